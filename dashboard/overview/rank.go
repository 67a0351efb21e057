package overview

import (
	"net/url"
	"sort"

	"hailong/survey"
	"hailong/survey/rollup"
)

type rankRow struct {
	Rank  int // 0: not ranked (too few answers)
	ID    string
	Name  string
	Value *float64
	N     int64
	LowN  bool
	Href  string
}

// chanRow is one answer channel: its share of the answers and its own
// service index and overall satisfaction.
type chanRow struct {
	Channel string
	Href    string // the overview filtered to the channel, other filters kept
	N       int64
	Share   float64
	Service *rollup.Figure
	Overall *rollup.Figure
}

// rank orders units or desks by service index; those with fewer than 30
// answers are listed after, greyed and unranked.
func rank(cells map[string]*rollup.Cell, in *survey.Instrument, agg, lang string, names map[string]string, href func(string) string) []rankRow {
	var rows []rankRow
	for id, cell := range cells {
		f := rollup.Compute(in, &rollup.Tally{Total: *cell}, rollup.AggPooled, lang)
		r := rankRow{ID: id, Name: names[id], N: f.N, LowN: true, Href: href(id)}
		if r.Name == "" {
			r.Name = id
		}
		if f.Service != nil {
			r.Value, r.LowN = f.Service.HL, f.Service.LowN
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.LowN != b.LowN || (a.Value == nil) != (b.Value == nil) {
			return !a.LowN && a.Value != nil
		}
		if a.Value != nil && b.Value != nil && *a.Value != *b.Value {
			return *a.Value > *b.Value
		}
		return a.Name < b.Name
	})
	n := 0
	for i := range rows {
		if !rows[i].LowN && rows[i].Value != nil {
			n++
			rows[i].Rank = n
		}
	}
	return rows
}

// channelMix lists the channels that received answers, each with its
// share and its own figures, linked to the page filtered to it.
func channelMix(t *rollup.Tally, q rollup.Query, lang string, params url.Values) []chanRow {
	var out []chanRow
	for _, ch := range survey.Channels {
		if n := t.Channel[ch]; n > 0 {
			row := chanRow{Channel: ch, Href: "/?" + with(params, "channel", ch), N: n, Share: 100 * float64(n) / float64(max(t.Total.N, 1))}
			if sub := t.ByChannel[ch]; sub != nil {
				f := rollup.Compute(q.Instrument, sub, q.Agg, lang)
				row.Service, row.Overall = f.Service, f.Overall
			}
			out = append(out, row)
		}
	}
	return out
}

// with returns v with the given key/value pairs replaced ("" removes).
func with(v url.Values, kv ...string) string {
	out := url.Values{}
	for k, x := range v {
		out[k] = x
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out.Encode()
}
