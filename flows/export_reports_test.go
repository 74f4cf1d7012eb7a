package flows

// SummaryLength is summaryLength for the test that checks the bound against rendered messages.
var SummaryLength = summaryLength
