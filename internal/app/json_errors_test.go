package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
)

// TestJSONErrorsSpeakPlainly: a bad JSON body to the officials' API is a
// 400 whose message says what is wrong in Vietnamese (English with
// Accept-Language: en), never the decoder's Go text.
func TestJSONErrorsSpeakPlainly(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	u := a.URL + "/api/v1/responses/" + bson.NewObjectID().Hex() + "/review"
	send := func(body, lang string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
		req.SetBasicAuth("admin", apptest.AdminPassword)
		req.Header.Set("Content-Type", "application/json")
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct{ Error string }
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out.Error
	}
	for _, tt := range []struct {
		body, lang, want string
	}{
		{`[1, 2]`, "", "phải là một đối tượng"},
		{`{"decision": 5}`, "", `trường "decision" có giá trị không đúng kiểu`},
		{`{"decision": "confirm", "ghi_chu": "x"}`, "", `không được hỗ trợ: "ghi_chu"`},
		{`{"decision": "confirm",}`, "", "lỗi cú pháp ở ký tự thứ 24"},
		{`{"decision": "conf`, "", "bị cắt cụt"},
		{``, "", "trống"},
		{`[1, 2]`, "en", "must be an object"},
		{`{"decision": 5}`, "en-US,en;q=0.9", `field "decision" has a value of the wrong type`},
	} {
		code, msg := send(tt.body, tt.lang)
		if code != http.StatusBadRequest || !strings.Contains(msg, tt.want) {
			t.Errorf("body %q (%s): %d %q, want 400 saying %q", tt.body, tt.lang, code, msg, tt.want)
		}
		for _, leak := range []string{"json:", "Go value", "dashboard.", "unmarshal"} {
			if strings.Contains(msg, leak) {
				t.Errorf("body %q: message %q shows decoder internals (%q)", tt.body, msg, leak)
			}
		}
	}
}
