package overview_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"encoding/json"

	"hailong/survey/period"
)

var vn = period.Vietnam

// report is the part of GET /api/v1/indicators these tests read.
type report struct {
	N        int64            `json:"n"`
	Channels map[string]int64 `json:"channels"`
	Series   []json.RawMessage
}
