// Package survey is the citizen side of the service: the instruments
// (questionnaires), the units and desks that ask them, the responses
// citizens give and how they are validated, judged for abuse and stored
// (Store, over MongoDB), and the pages through which citizens answer (a
// desk's QR code, a kiosk, a receipt link, the city portal).
//
// Its sub-packages do the rest: rollup counts the responses into the
// indicators and writes them (survey hands it each answer through the
// Submitter interface), rawcsv exports them, sipas and period hold the
// index arithmetic and the calendar.
package survey
