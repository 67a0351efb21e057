package survey

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Channels through which an answer arrives. Reports keep them apart because
// answers given at the desk run higher than independent fieldwork.
const (
	ChannelQR      = "qr"
	ChannelReceipt = "receipt"
	ChannelKiosk   = "kiosk"
	ChannelPortal  = "portal"
	ChannelPaper   = "paper"
)

// Channels lists every channel.
var Channels = []string{ChannelQR, ChannelReceipt, ChannelKiosk, ChannelPortal, ChannelPaper}

// Response statuses. Only StatusOK responses count in indicators.
const (
	StatusOK      = "ok"
	StatusSuspect = "suspect"
)

// Response is one citizen's submitted survey: the append-only source of
// truth every figure is derived from. It holds no IP address, no user agent
// and no phone number.
type Response struct {
	ID         bson.ObjectID       `bson:"_id" json:"id"`
	Nonce      string              `bson:"nonce" json:"-"`
	Instrument string              `bson:"instrument" json:"instrument"` // "code@version"
	Desk       string              `bson:"desk" json:"desk"`
	Unit       string              `bson:"unit" json:"unit"`
	Channel    string              `bson:"channel" json:"channel"`
	Answers    map[string]int      `bson:"answers" json:"answers"`
	Choices    map[string][]string `bson:"choices,omitempty" json:"choices,omitempty"`
	Comment    string              `bson:"comment,omitempty" json:"comment,omitempty"`
	// Dossier is the keyed hash of a receipt's dossier code (never the code).
	Dossier     string    `bson:"dossier,omitempty" json:"-"`
	Procedure   string    `bson:"procedure,omitempty" json:"procedure,omitempty"`
	Field       string    `bson:"field,omitempty" json:"field,omitempty"`
	Lang        string    `bson:"lang" json:"lang"`
	Status      string    `bson:"status" json:"status"`
	Reasons     []string  `bson:"reasons,omitempty" json:"reasons,omitempty"`
	SubmittedAt time.Time `bson:"submitted_at" json:"submitted_at"`

	// Served is how a portal citizen did their procedure (ServedModes).
	Served string `bson:"served,omitempty" json:"served,omitempty"`

	// Paper forms (channel paper): the printed serial, who keyed it, who
	// keyed it a second time (double keying) and the supervisor who
	// settled a mismatch between the two.
	Serial         string `bson:"serial,omitempty" json:"serial,omitempty"`
	Operator       string `bson:"operator,omitempty" json:"operator,omitempty"`
	SecondOperator string `bson:"second_operator,omitempty" json:"second_operator,omitempty"`
	ResolvedBy     string `bson:"resolved_by,omitempty" json:"resolved_by,omitempty"`
}
