// Package capture records a sales team's e-mail and meetings against the
// right customers with no manual entry: mailboxes and calendars become
// journey touchpoints on the profiles (and accounts) of the customers who
// took part.
//
// # Reading mail and calendars
//
// ReadMbox (mboxrd or mboxo), ReadMaildir and ReadEML stream the messages
// of a mailbox as RawMessage values, one at a time: memory is bounded by
// the largest message, not the file. ParseMessage reads one message — RFC
// 5322 headers, MIME multiparts, quoted-printable and base64, RFC 2047
// encoded words (joined when a mailer split a character across two), and
// the Japanese encodings of business mail: ISO-2022-JP, Shift_JIS/CP932 and
// EUC-JP, also sent raw in headers — and gives a *ParseError naming the
// header at fault when it cannot.
//
// ParseCalendar reads an iCalendar file (RFC 5545, the subset exports
// use): unfolded lines, VEVENT with ORGANIZER and ATTENDEE (PARTSTAT),
// DTSTART/DTEND/DURATION with TZID resolved by IANA name, the file's
// VTIMEZONE (daylight saving included) or Outlook's Windows zone names,
// all-day dates, RRULE (DAILY to YEARLY with BYDAY, BYMONTHDAY, BYMONTH,
// BYSETPOS, COUNT, UNTIL, INTERVAL), RDATE, EXDATE, exceptions
// (RECURRENCE-ID), STATUS and METHOD. An entry that cannot be used is
// listed as a *CalendarError with its line, and the rest is read.
//
// # Capturing
//
// A Capturer turns messages (Capturer.Mail, Capturer.Message) and meetings
// (Capturer.Meetings) into journey.Event touchpoints of the types
// TypeEmailSent, TypeEmailReceived, TypeEmailReplied, TypeMeetingHeld and
// TypeMeetingCancelled (RegisterTypes adds them to a journey.Catalog):
//
//   - participants are resolved through a Directory — the identity state,
//     which package c360's Engine is to implement; ProfileDirectory
//     implements it over profiles meanwhile — by e-mail key, so an address
//     in any case or width finds its person; an unknown address can become
//     a lead (Config.CreateLeads, LeadCreator) or reach its account by
//     domain (DomainDirectory);
//   - the company's own people (Config.InternalDomains) are the actors,
//     never customers; a person's accounts get the touchpoint too (B2B);
//   - a message is one touchpoint however many mailboxes hold it; threads
//     follow Message-ID, In-Reply-To and References (AttrThread); a
//     meeting updated many times is one touchpoint in its latest state
//     (UID, SEQUENCE, RECURRENCE-ID), with an ID that stays the same so
//     that a store replaces the earlier state (Supersedes);
//   - privacy by default: no body unless Config.StoreBodies, only
//     metadata, the subject and a snippet; suppressed or erased addresses
//     are never captured; mail and meetings without a customer are
//     skipped as personal;
//   - the sender's signature offers phones, title and company as
//     enrichment with provenance (Offer: the message and its date), applied
//     under quality.Enrichment's trust rules by ApplyOffers or
//     SignatureEnricher, so that a more trusted value is never
//     overwritten.
//
// What could not be read is counted and listed with its reason in the
// Summary, and the stream goes on; the stream's own error (its last item)
// is reserved for a failing Directory, a read error or cancellation.
//
// Start with NewProfileDirectory, New, ReadMbox and Capturer.Mail; the c360
// capture command is built on them. A Capturer is for one run and one
// goroutine.
package capture
