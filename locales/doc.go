// Package locales owns everything the bot says: the message catalogs (id.toml, the source language,
// and en.toml, its English mirror), rendering a message for a user's language, and the way dates and
// times are written ("Kamis, 19 September 2024 pukul 09.00 WIB").
//
// Code never builds user-facing text itself. It returns a [Text] — a catalog message id with arguments
// built by [Msg], or user data wrapped by [Raw] — and the transport renders it with [Catalog.Render] in
// the recipient's [Lang]. Indonesian is the default and the fallback for anything missing in English.
//
// Catalogs are go-i18n TOML files with one table per message, keyed by the quoted id:
//
//	["onboard.greeting"]
//	other = "Halo, {{.Name}}! 👋"
//
// A message may add plural forms (English "one") selected by the "Count" argument. Message ids are
// string literals at every Msg call site, so a test can check that code and both catalogs agree.
//
// This package imports nothing of the project; every other package may import it.
package locales
