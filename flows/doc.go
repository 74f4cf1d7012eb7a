// Package flows holds the conversations of alumnibot: onboarding, profile, help, and the engine that
// applies one input to one chat's session exactly once.
//
// A flow step takes the current Session and one Input and returns the next Session and the Replies to
// say; it does no I/O beyond the small interfaces it is given. Flows know nothing of Telegram or Redis:
// bot/ turns updates into Inputs and Replies into Bot API calls, store/ persists Sessions.
// This package may import area and locales, never bot or store.
package flows
