package overview_test

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// TestIndicatorsByChannel: for a mix of QR, portal and receipt answers,
// breakdown=channel gives each channel's figures equal to a recount of the
// stored responses, pooled and per unit, and a channel filter agrees.
func TestIndicatorsByChannel(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	rng := rand.New(rand.NewPCG(9, 4))
	var qrURLs []string
	for _, d := range a.Desks(t) {
		if d.Unit == "vt-p1" || d.Unit == "vt-p7" || d.Unit == "vt" {
			qrURLs = append(qrURLs, d.SurveyURL)
		}
	}
	send := func(formURL string, extra url.Values) {
		c := apptest.Client(t)
		f := apptest.GetForm(t, c, formURL)
		if res := apptest.Post(t, c, a.URL+f.Action, f.Hidden, apptest.MergeValues(apptest.RandomAnswers(rng), extra)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d", f.Action, res.StatusCode)
		}
	}
	const nQR, nPortal, nReceipt = 14, 10, 6
	for i := 0; i < nQR; i++ {
		send(qrURLs[rng.IntN(len(qrURLs))], nil)
	}
	portals := map[string][]string{"vt-p1": {"desk:p1-q1", "desk:p1-q2", "field:ho-tich", "unknown"}, "vt-p7": {"desk:p7-q1", "unknown"}}
	for i := 0; i < nPortal; i++ {
		unit := []string{"vt-p1", "vt-p7"}[i%2]
		picks := portals[unit]
		send(a.URL+"/p/"+unit, url.Values{"where": {picks[rng.IntN(len(picks))]}, "served": {survey.ServedModes[rng.IntN(3)]}})
	}
	for i := 0; i < nReceipt; i++ {
		var link struct {
			URL string `json:"url"`
		}
		body := map[string]string{"desk": []string{"p1-q1", "p7-q1"}[i%2], "dossier_code": "H01-" + strconv.Itoa(i)}
		if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/receipt-links", body, &link); code != http.StatusCreated {
			t.Fatalf("receipt link: %d", code)
		}
		send(link.URL, nil)
	}
	a.WaitIndicators(t, "", nQR+nPortal+nReceipt)

	queries := []string{"breakdown=channel", "breakdown=channel&agg=units", "breakdown=channel&unit=vt-p1"}
	got := map[string]json.RawMessage{}
	for _, q := range queries {
		var raw json.RawMessage
		if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?"+q, &raw); code != http.StatusOK {
			t.Fatalf("GET indicators?%s: %d", q, code)
		}
		got[q] = raw
	}
	var filtered json.RawMessage
	apptest.GetJSON(t, a.URL+"/api/v1/indicators?channel=portal", &filtered)
	checkChannelPages(t, a, got[queries[0]], map[string]int{"qr": nQR, "portal": nPortal, "receipt": nReceipt})
	if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?breakdown=units", nil); code != http.StatusBadRequest {
		t.Errorf("breakdown=units: %d, want 400", code)
	}
	a.Stop()

	all := apptest.StoredResponses(t, a.DB)
	if len(all) != nQR+nPortal+nReceipt {
		t.Fatalf("%d responses stored, want %d", len(all), nQR+nPortal+nReceipt)
	}
	instruments, _ := survey.LoadInstruments()
	in, _ := instruments.Latest("counter")
	for _, q := range queries {
		v, _ := url.ParseQuery(q)
		agg := v.Get("agg")
		if agg == "" {
			agg = rollup.AggPooled
		}
		var rep struct {
			ByChannel map[string]json.RawMessage `json:"by_channel"`
		}
		if err := json.Unmarshal(got[q], &rep); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, ch := range survey.Channels {
			sel := func(r survey.Response) bool {
				return r.Channel == ch && (v.Get("unit") == "" || r.Unit == v.Get("unit"))
			}
			w := rollup.Compute(in, apptest.TallyOf(all, sel), agg, "vi")
			if w.N == 0 {
				if _, ok := rep.ByChannel[ch]; ok {
					t.Errorf("%s: by_channel has %s, which has no answers", q, ch)
				}
				continue
			}
			want++
			apptest.AssertSameFigures(t, q+" by_channel."+ch, rep.ByChannel[ch], w)
		}
		if want < 3 || len(rep.ByChannel) != want {
			t.Errorf("%s: by_channel has %d channels, want %d (≥ 3)", q, len(rep.ByChannel), want)
		}
	}
	var rep struct {
		ByChannel map[string]json.RawMessage `json:"by_channel"`
	}
	_ = json.Unmarshal(got[queries[0]], &rep)
	var a1, a2 rollup.Figures
	_ = json.Unmarshal(rep.ByChannel["portal"], &a1)
	_ = json.Unmarshal(filtered, &a2)
	if b1, b2 := mustJSON(t, a1), mustJSON(t, a2); b1 != b2 {
		t.Errorf("by_channel.portal differs from channel=portal:\n%.400s\n%.400s", b1, b2)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkChannelPages: the overview's channel table shows each channel's
// count and service index as the API reports them, with Vietnamese labels,
// its filter offers every channel, and the month's CSV export shows the
// channel mix.
func checkChannelPages(t *testing.T, a *apptest.Site, report json.RawMessage, counts map[string]int) {
	t.Helper()
	var rep struct {
		ByChannel map[string]rollup.Figures `json:"by_channel"`
	}
	if err := json.Unmarshal(report, &rep); err != nil {
		t.Fatal(err)
	}
	c, _ := apptest.Admin(t, a.URL)
	res, body := apptest.Get(t, c, a.URL+"/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("overview: %d", res.StatusCode)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	var offered []string
	doc.Find(`select[name=channel] option`).Each(func(_ int, o *goquery.Selection) { offered = append(offered, o.AttrOr("value", "")) })
	for _, ch := range survey.Channels {
		if !slices.Contains(offered, ch) {
			t.Errorf("overview channel filter lacks %s (has %v)", ch, offered)
		}
	}
	labels := map[string]string{"qr": "Mã QR tại quầy", "portal": "Cổng thông tin điện tử", "receipt": "Phiếu hẹn trả kết quả"}
	for ch, n := range counts {
		row := doc.Find(`#channel-mix tr[data-channel="` + ch + `"] td`)
		if row.Length() != 5 {
			t.Errorf("overview has no channel row for %s", ch)
			continue
		}
		cells := row.Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
		want := "—"
		if f := rep.ByChannel[ch].Service; f != nil && f.HL != nil {
			want = web.FormatPercent("vi", *f.HL)
		}
		if cells[0] != labels[ch] || cells[1] != strconv.Itoa(n) || cells[3] != want {
			t.Errorf("overview row %s = %q, want label %q, N %d, index %q", ch, cells, labels[ch], n, want)
		}
	}
	month := time.Now().In(period.Vietnam).Format("2006-01")
	b, _ := apptest.Download(t, c, a.URL+"/exports/"+month+".csv?table=channels")
	recs := apptest.ReadCSV(t, b)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for ch, n := range counts {
		i, ok := col[labels[ch]]
		if !ok {
			t.Errorf("channels export has no %q column: %v", labels[ch], recs[0])
			continue
		}
		if got := recs[1][i]; got != strconv.Itoa(n) {
			t.Errorf("channels export, total row, %s = %q, want %d", ch, got, n)
		}
	}
	_, reportPage := apptest.Get(t, c, a.URL+"/exports/"+month+"/report")
	for ch, n := range counts {
		if want := labels[ch] + ": " + strconv.Itoa(n) + " phiếu"; !strings.Contains(string(reportPage), want) {
			t.Errorf("the month's report does not say %q", want)
		}
	}
	if _, ok := col["Phiếu giấy"]; !ok {
		t.Errorf("channels export has no paper column: %v", recs[0])
	}
}
