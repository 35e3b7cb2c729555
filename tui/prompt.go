package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/valuetree"
)

// prompt is the expression prompt that `:` opens above the status bar. A
// line is a Go expression, evaluated in the selected frame, or one of the
// commands of parsePrompt (break LOC, watch EXPR…). Its answer shows under
// the line: a value as a tree, or an error on one line. The line is a
// bubbles textinput; the prompt draws it itself, with its cursor, so that
// it scrolls as the rest of the screen does.
type prompt struct {
	st   *pane.Styles
	tx   *pane.Text
	keys promptKeys
	w, h int

	open bool
	// input is held by pointer: the Model, with the prompt in it, is
	// copied on every message and every view.
	input *textinput.Model
	// history holds the lines run, oldest first; hist is the line being
	// recalled (len(history) while editing a new one) and draft the new
	// line put aside while recalling.
	history []string
	hist    int
	draft   string

	// The answer to the last line: a value, an error, or a note (what a
	// command did); busy while it is awaited.
	result valuetree.Tree
	hasVal bool
	err    string
	note   string
	busy   bool
	// resultFocus: ↑/↓ and enter move in the value instead of the line.
	resultFocus bool
}

// promptKeys are the keys of the open prompt; every other key edits the
// line (textinput's keys: ←/→, home/end, backspace, ctrl+u, ctrl+k…).
type promptKeys struct {
	Run    key.Binding
	Watch  key.Binding
	Older  key.Binding
	Newer  key.Binding
	Result key.Binding
	Close  key.Binding
	// ResultUp and ResultDown move in the answer while it has the keys
	// (Result); PageUp and PageDown scroll it. Only the page keys: ctrl+u
	// and ctrl+d edit the line here.
	ResultUp   key.Binding
	ResultDown key.Binding
	PageUp     key.Binding
	PageDown   key.Binding
}

func newPromptKeys(tx *pane.Text) promptKeys {
	return promptKeys{
		Run:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyPromptRun)),
		Watch:      key.NewBinding(key.WithKeys("ctrl+w"), key.WithHelp("ctrl+w", tx.KeyPromptWatch)),
		Older:      key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", tx.KeyPromptOlder)),
		Newer:      key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", tx.KeyPromptNewer)),
		Result:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", tx.KeyPromptResult)),
		Close:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tx.KeyPromptClose)),
		ResultUp:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tx.KeyUp)),
		ResultDown: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tx.KeyDown)),
		PageUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", tx.KeyPageUp)),
		PageDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", tx.KeyPageDown)),
	}
}

// promptMaxHistory bounds the history, as a shell does.
const promptMaxHistory = 200

func newPrompt(st *pane.Styles, tx *pane.Text) prompt {
	in := textinput.New()
	in.Prompt = ""
	in.SetVirtualCursor(false) // the prompt draws its cursor (inputLine)
	// ctrl+w watches, tab and ↑/↓ belong to the prompt, not to
	// suggestions.
	in.KeyMap.DeleteWordBackward = key.NewBinding(key.WithKeys("alt+backspace", "ctrl+backspace"))
	in.KeyMap.AcceptSuggestion.SetEnabled(false)
	in.KeyMap.NextSuggestion.SetEnabled(false)
	in.KeyMap.PrevSuggestion.SetEnabled(false)
	in.Focus()
	return prompt{st: st, tx: tx, keys: newPromptKeys(tx), input: &in, result: valuetree.New(st, tx)}
}

func (p *prompt) SetSize(w, h int) {
	p.w, p.h = w, h
	p.result.SetSize(w, max(0, h-1))
}

// height is the height the prompt's box asks for in a screen whose panes
// have h lines, or 0 while it is closed.
func (p *prompt) height(h int) int {
	if !p.open {
		return 0
	}
	return pane.Clamp(h*35/100, 5, 16)
}

// show opens the prompt empty, with no answer: the history (↑) holds the
// lines run before.
func (p *prompt) show() {
	p.open = true
	p.resultFocus = false
	p.result.Focused = false
	p.setLine("")
	p.hist, p.draft = len(p.history), ""
	p.busy, p.err, p.note, p.hasVal = false, "", "", false
	p.result.Reset()
}

func (p *prompt) close() {
	p.open = false
	p.resultFocus = false
}

// line returns the text typed.
func (p *prompt) line() string { return p.input.Value() }

func (p *prompt) setLine(s string) {
	p.input.SetValue(s)
	p.input.CursorEnd()
}

// edit passes a key or a paste on to the line; a key that moves the
// cursor or changes the line leaves the history.
func (p *prompt) edit(msg tea.Msg) {
	before, at := p.input.Value(), p.input.Position()
	*p.input, _ = p.input.Update(msg) // without a virtual cursor, no blink to run
	if p.input.Value() != before || p.input.Position() != at {
		p.hist = len(p.history)
	}
}

// remember adds a line run to the history.
func (p *prompt) remember(line string) {
	if line != "" && (len(p.history) == 0 || p.history[len(p.history)-1] != line) {
		p.history = append(p.history, line)
		if len(p.history) > promptMaxHistory {
			p.history = p.history[1:]
		}
	}
	p.hist = len(p.history)
	p.draft = ""
}

// recall moves through the history: -1 to an older line, 1 to a newer.
func (p *prompt) recall(dir int) {
	if p.hist < 0 || p.hist > len(p.history) {
		p.hist = len(p.history)
	}
	next := p.hist + dir
	if next < 0 || next > len(p.history) {
		return
	}
	if p.hist == len(p.history) {
		p.draft = p.line()
	}
	p.hist = next
	if next == len(p.history) {
		p.setLine(p.draft)
		return
	}
	p.setLine(p.history[next])
}

// ShortHelp returns the keys of the open prompt.
func (p *prompt) ShortHelp() []key.Binding {
	k := p.keys
	b := []key.Binding{k.Run, k.Watch, k.Older}
	if p.hasVal {
		b = append(b, k.Result)
	}
	return append(b, k.Close)
}

// answer clears the last answer and waits for a new one.
func (p *prompt) await() {
	p.busy, p.err, p.note, p.hasVal = true, "", "", false
	p.result.Reset()
	p.resultFocus = false
}

// showValue shows a value named by the expression that read it.
func (p *prompt) showValue(expr string, n *tracer.Node) {
	p.busy, p.err, p.note = false, "", ""
	named := tracer.Node{}
	if n != nil {
		named = *n
	}
	named.Name = expr
	// The value's first level is shown unfolded: it is what was asked.
	p.result.Set([]valuetree.Section{{ID: "eval", Nodes: []*tracer.Node{&named}, OpenDepth: 1}}, nil)
	p.hasVal = true
}

// showError shows why the line failed, on one line.
func (p *prompt) showError(msg string) {
	p.busy, p.note, p.hasVal = false, "", false
	p.err = tracer.FirstLine(msg)
}

// showNote shows what a command did.
func (p *prompt) showNote(note string) {
	p.busy, p.err, p.hasVal = false, "", false
	p.note = note
}

// The commands of the prompt besides expressions, as dlv names them.
const (
	verbPrint   = "print"
	verbBreak   = "break"
	verbClear   = "clear"
	verbWatch   = "watch"
	verbUnwatch = "unwatch"
	verbFrame   = "frame"
	verbOpen    = "open"
)

// parsePrompt splits a line into a command and its argument: "break LOC",
// "clear LOC", "watch EXPR", "unwatch EXPR", "frame N", "print EXPR", or
// an expression to print. A short form (b, w, p, f) counts only when an
// argument follows that does not go on the expression (b + 1 is an
// expression).
func parsePrompt(line string) (verb, arg string) {
	line = strings.TrimSpace(line)
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	verbs := map[string]string{
		"print": verbPrint, "p": verbPrint,
		"break": verbBreak, "b": verbBreak,
		"clear": verbClear,
		"watch": verbWatch, "w": verbWatch,
		"unwatch": verbUnwatch,
		"frame":   verbFrame, "f": verbFrame,
		"open": verbOpen, "o": verbOpen,
	}
	v, ok := verbs[word]
	if !ok || rest == "" || strings.ContainsRune(".[(+-*/%&|^<>=!:,)]}", rune(rest[0])) {
		return verbPrint, line
	}
	return v, rest
}

// promptBox draws the prompt's box: the line, then the answer.
func (m Model) promptBox() []string {
	p := &m.prompt
	st := m.st
	r := m.lay.prompt
	title := m.tx.PromptTitle
	tw := pane.TextWidth(title)
	painted := st.TitleFocused.Paint(title)
	if where := m.variables.FrameName(); where != "" && tw+2+pane.TextWidth(where) <= r.w-6 {
		painted += "  " + st.Dim.Paint(where)
		tw += 2 + pane.TextWidth(where)
	}
	footer := ""
	switch {
	case p.hist < len(p.history):
		footer = strconv.Itoa(p.hist+1) + "/" + strconv.Itoa(len(p.history))
	case p.hasVal && len(p.result.Rows) > p.result.H && p.result.H > 0:
		footer = strconv.Itoa(p.result.Selected+1) + "/" + strconv.Itoa(len(p.result.Rows))
	}
	return drawBox(st, r, boxSpec{title: painted, titleWidth: tw, footer: footer, focused: true}, p.View())
}

// View returns the prompt's lines: the line being typed, then the answer.
func (p *prompt) View() []string {
	if p.w <= 0 || p.h <= 0 {
		return nil
	}
	st := p.st
	out := []string{p.inputLine()}
	switch {
	case p.busy:
		out = append(out, " "+st.Dim.Paint(p.tx.PromptBusy))
	case p.err != "":
		out = append(out, " "+st.Err.Paint(pane.Truncate("✗ "+pane.Sanitize(p.err), p.w-2)))
	case p.note != "":
		out = append(out, " "+st.OK.Paint(pane.Truncate("✓ "+pane.Sanitize(p.note), p.w-2)))
	case p.hasVal:
		p.result.Focused = p.resultFocus
		out = append(out, p.result.Lines(p.h-1)...)
	case p.line() == "":
		for _, l := range pane.WrapText(p.tx.PromptHint, p.w-2) {
			out = append(out, " "+st.Dim.Paint(l))
		}
	}
	return out
}

// inputLine draws the line with its cursor, scrolled to keep the cursor in
// view.
func (p *prompt) inputLine() string {
	st := p.st
	lead := "› "
	room := p.w - 1 - pane.TextWidth(lead) - 1
	line, cursor := []rune(p.input.Value()), p.input.Position()
	start := 0
	for start < cursor && pane.TextWidth(string(line[start:cursor])) >= room {
		start++
	}
	before := string(line[start:cursor])
	under, after := " ", ""
	if cursor < len(line) {
		under = string(line[cursor])
		after = string(line[cursor+1:])
	}
	cur := under
	if !p.resultFocus {
		cur = st.Cursor.Paint(under)
	}
	return " " + st.Accent.Paint(lead) + st.Text.Paint(before) + cur + st.Text.Paint(pane.Truncate(after, max(0, room-pane.TextWidth(before)-pane.TextWidth(under))))
}

// promptKey handles a key while the prompt is open: it edits the line,
// runs it, recalls the history or moves in the answer. Every key but
// ctrl+c goes to the prompt.
func (m Model) promptKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	p := &m.prompt
	k := p.keys
	m.trace.notice = ""
	switch {
	case key.Matches(msg, m.keys.Interrupt):
		return m.handleKey(msg)
	case key.Matches(msg, k.Close):
		if p.resultFocus {
			p.resultFocus = false
			return m, nil
		}
		p.close()
		m.relayout()
		return m, nil
	case key.Matches(msg, k.Result):
		if p.hasVal {
			p.resultFocus = !p.resultFocus
		}
		return m, nil
	case p.resultFocus && key.Matches(msg, k.Run):
		p.result.Toggle()
		return m, m.expandCmds(targetPrompt, &p.result)
	case p.resultFocus && key.Matches(msg, k.ResultUp):
		p.result.Move(-1)
		return m, nil
	case p.resultFocus && key.Matches(msg, k.ResultDown):
		p.result.Move(1)
		return m, nil
	case key.Matches(msg, k.Run):
		line := strings.TrimSpace(p.line())
		if line == "" {
			return m, nil
		}
		p.remember(line)
		return m, m.runPrompt(line)
	case key.Matches(msg, k.Watch):
		verb, arg := parsePrompt(p.line())
		if verb != verbPrint && verb != verbWatch || arg == "" {
			return m, nil
		}
		p.remember(p.line())
		return m, m.addWatch(arg, true)
	case key.Matches(msg, k.Older):
		p.recall(-1)
		return m, nil
	case key.Matches(msg, k.Newer):
		p.recall(1)
		return m, nil
	case key.Matches(msg, k.PageUp):
		p.result.Scroll(-max(1, p.result.H-1))
		return m, nil
	case key.Matches(msg, k.PageDown):
		p.result.Scroll(max(1, p.result.H-1))
		return m, nil
	}
	p.resultFocus = false
	p.edit(msg)
	return m, nil
}

// runPrompt runs a line of the prompt.
func (m *Model) runPrompt(line string) tea.Cmd {
	verb, arg := parsePrompt(line)
	switch verb {
	case verbBreak:
		return m.addBreakpoint(arg, true)
	case verbClear:
		return m.removeBreakpoint(arg, true)
	case verbWatch:
		return m.addWatch(arg, true)
	case verbUnwatch:
		return m.removeWatch(arg, true)
	case verbFrame:
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			m.prompt.showError(pane.Format(m.tx.BadFrame, arg))
			return nil
		}
		return m.selectFrame(n, true)
	case verbOpen:
		return m.openFile(arg)
	}
	return m.eval(arg)
}
