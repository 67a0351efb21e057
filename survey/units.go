package survey

// Subtree returns the ids of root and every unit below it. Units form a
// tree through Parent; a cycle (which the management API refuses) cannot
// loop here.
func Subtree(units []Unit, root string) map[string]bool {
	children := map[string][]string{}
	for _, u := range units {
		children[u.Parent] = append(children[u.Parent], u.ID)
	}
	out := map[string]bool{root: true}
	queue := []string{root}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, c := range children[id] {
			if !out[c] {
				out[c] = true
				queue = append(queue, c)
			}
		}
	}
	return out
}
