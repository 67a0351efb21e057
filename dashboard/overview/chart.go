package overview

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Charts are drawn on the server as inline SVG: no chart library, no CDN,
// readable when printed, and each mark carries a <title> for screen readers
// and tooltips.

// bar is one bar of a horizontal bar chart: a percentage with its interval.
type bar struct {
	Label  string
	Value  *float64 // nil: no data
	Low    *float64
	High   *float64
	N      int64
	LowN   bool
	Href   string
	Format func(float64) string
}

// barChart draws horizontal 0–100 % bars with 95 % interval whiskers.
func barChart(bars []bar, title string) template.HTML {
	const w, rowH, labelW, valueW = 640, 30, 250, 90
	plotW := float64(w - labelW - valueW)
	h := rowH*len(bars) + 24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(title))
	for _, x := range []float64{0, 50, 100} {
		px := labelW + plotW*x/100
		fmt.Fprintf(&b, `<line x1="%.1f" y1="0" x2="%.1f" y2="%d" class="grid"/><text x="%.1f" y="%d" class="axis" text-anchor="middle">%.0f</text>`, px, px, h-18, px, h-4, x)
	}
	for i, bar := range bars {
		y := i * rowH
		label := html.EscapeString(truncate(bar.Label, 34))
		if bar.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(bar.Href))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl" text-anchor="end">%s</text>`, labelW-8, y+19, label)
		cls := "bar"
		if bar.LowN {
			cls = "bar lown"
		}
		if bar.Value != nil {
			v := *bar.Value
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" class="%s"><title>%s: %s (N = %d)</title></rect>`,
				labelW, y+6, plotW*v/100, cls, label, bar.Format(v), bar.N)
			if bar.Low != nil && bar.High != nil {
				x1, x2 := labelW+plotW**bar.Low/100, labelW+plotW**bar.High/100
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="ci"/>`, x1, y+15, x2, y+15)
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="val">%s</text>`, w-valueW+6, y+19, bar.Format(v))
		} else {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="val none">—</text>`, w-valueW+6, y+19)
		}
		if bar.Href != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// point is one point of a trend line.
type point struct {
	Label string
	Value *float64
	N     int64
}

// lineChart draws a 0–100 % trend with N as light bars behind it.
func lineChart(points []point, title string, format func(float64) string) template.HTML {
	const w, h, padL, padB, padT = 640, 220, 36, 28, 10
	plotW, plotH := float64(w-padL-10), float64(h-padB-padT)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(title))
	for _, v := range []float64{0, 50, 100} {
		y := padT + plotH*(1-v/100)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">%.0f</text>`, padL, y, w-10, y, padL-4, y+4, v)
	}
	if len(points) == 0 {
		return template.HTML(b.String() + `</svg>`)
	}
	var maxN int64 = 1
	for _, p := range points {
		if p.N > maxN {
			maxN = p.N
		}
	}
	step := plotW / float64(len(points))
	var path []string
	for i, p := range points {
		x := padL + step*float64(i) + step/2
		bh := plotH * 0.35 * float64(p.N) / float64(maxN)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="nbar"><title>%s: N = %d</title></rect>`,
			x-step*0.35, padT+plotH-bh, step*0.7, bh, html.EscapeString(p.Label), p.N)
		if p.Value != nil {
			y := padT + plotH*(1-*p.Value/100)
			path = append(path, fmt.Sprintf("%.1f,%.1f", x, y))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" class="dot"><title>%s: %s (N = %d)</title></circle>`, x, y, html.EscapeString(p.Label), format(*p.Value), p.N)
		}
		if len(points) <= 16 || i%(len(points)/8+1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x, h-8, html.EscapeString(p.Label))
		}
	}
	if len(path) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" class="line"/>`, strings.Join(path, " "))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// heatmap draws answers per weekday (rows) and hour (columns).
func heatmap(counts [7][24]int64, days []string, title string) template.HTML {
	const cell, padL, padT = 22, 40, 18
	first, last := 7, 18 // office hours and a margin
	for d := 0; d < 7; d++ {
		for hr := 0; hr < 24; hr++ {
			if counts[d][hr] > 0 {
				first, last = min(first, hr), max(last, hr)
			}
		}
	}
	var maxC int64 = 1
	for d := range counts {
		for _, c := range counts[d] {
			maxC = max(maxC, c)
		}
	}
	w, h := padL+cell*(last-first+1)+4, padT+cell*7+4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart heat" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(title))
	for hr := first; hr <= last; hr++ {
		fmt.Fprintf(&b, `<text x="%d" y="12" class="axis" text-anchor="middle">%d</text>`, padL+cell*(hr-first)+cell/2, hr)
	}
	for d := 0; d < 7; d++ {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis" text-anchor="end">%s</text>`, padL-4, padT+cell*d+15, html.EscapeString(days[d]))
		for hr := first; hr <= last; hr++ {
			c := counts[d][hr]
			op := 0.06 + 0.94*float64(c)/float64(maxC)
			if c == 0 {
				op = 0.03
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" class="hcell" fill-opacity="%.2f"><title>%s %dh: %d</title></rect>`,
				padL+cell*(hr-first), padT+cell*d, cell-2, cell-2, op, html.EscapeString(days[d]), hr, c)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
