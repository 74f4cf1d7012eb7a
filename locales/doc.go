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
// A message may add plural forms (English "one") selected by the "Count" argument. A count is written
// with the template function num, which puts the language's thousands separator in ("1.250",
// "1,250"); a second count in one English message picks its word with plural:
//
//	other = "{{num .People}} {{plural .People \"alumnus\" \"alumni\"}} from {{num .Regencies}} ..."
//
// Times: FormatDateTime (a moment), FormatDateTimeRange (a meetup, "pukul 09.00–15.00 WIB"),
// FormatDeadline ("besok pukul 21.00 WIB" when near), FormatTime and FormatNumber.
//
// Message ids are string literals at every Msg call site, so a test can check that code and both
// catalogs agree. The catalog rules of conversation.md are tests too (rules_test.go): no "Anda" or
// "Saya" in Indonesian, every message within 1,000 characters rendered with the longest plausible
// arguments (longestArgs: each argument at its validation limit), counts written with num, and a
// singular form for every English count.
//
// This package imports nothing of the project; every other package may import it.
package locales
