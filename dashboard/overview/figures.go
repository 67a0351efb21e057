package overview

import (
	"fmt"
	"html/template"

	"hailong/survey/rollup"
)

// elementBars draws the elements' indices with their intervals; each bar
// links to its criteria breakdown.
func elementBars(f rollup.Figures, pct func(float64) string, title string) template.HTML {
	var bars []bar
	for _, e := range f.Elements {
		bars = append(bars, bar{Label: e.Code + ". " + e.Label, Value: e.HL, Low: e.CILow, High: e.CIHigh, N: e.N, LowN: e.LowN, Format: pct, Href: "#criteria"})
	}
	return barChart(bars, title)
}

// weekHours sums the tally's answers by weekday and hour.
func weekHours(t *rollup.Tally) [7][24]int64 {
	var heat [7][24]int64
	for k, n := range t.Total.W {
		if d, hr, ok := hourKey(k); ok {
			heat[d][hr] += n
		}
	}
	return heat
}

// hourKey parses a rollup hour key "w3h14" (Thursday 14:00).
func hourKey(k string) (day, hour int, ok bool) {
	if _, err := fmt.Sscanf(k, "w%dh%d", &day, &hour); err != nil {
		return 0, 0, false
	}
	return day, hour, day >= 0 && day < 7 && hour >= 0 && hour < 24
}

func weekdays(lang string) []string {
	if lang == "en" {
		return []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	}
	return []string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}
}
