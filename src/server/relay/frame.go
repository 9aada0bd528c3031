package relay

import "strconv"

// frame is one event, encoded once for every recipient: as SSE, and as the same SSE wrapped in
// one HTTP/1.1 chunk for connections the relay writes to directly.
type frame struct {
	sse   []byte
	chunk []byte
	// events is how many events the frame holds: one, or more for frames joined (see joined)
	events int
}

func newFrame(sse []byte) *frame {
	head := strconv.FormatInt(int64(len(sse)), 16) + "\r\n"
	chunk := make([]byte, 0, len(head)+len(sse)+2)
	chunk = append(chunk, head...)
	chunk = append(chunk, sse...)
	chunk = append(chunk, "\r\n"...)
	return &frame{sse: chunk[len(head) : len(head)+len(sse)], chunk: chunk, events: 1}
}

// joined is frames as one frame, in order: what one connection gets of events published at once
// in one write (a post's room event and the readers' activity signal, say).
func joined(frames []*frame) *frame {
	size, events := 0, 0
	for _, f := range frames {
		size += len(f.sse)
		events += f.events
	}
	sse := make([]byte, 0, size)
	for _, f := range frames {
		sse = append(sse, f.sse...)
	}
	j := newFrame(sse)
	j.events = events
	return j
}

// eventFrame encodes an SSE event named topic carrying data.
//
// note: no "id:" line (PocketBase writes the client id there), so that one frame serves every
// recipient; browsers keep the id PB_CONNECT gave them.
func eventFrame(topic, data string) *frame {
	sse := make([]byte, 0, len(topic)+len(data)+15)
	sse = append(sse, "event:"...)
	sse = append(sse, topic...)
	sse = append(sse, "\ndata:"...)
	sse = append(sse, data...)
	sse = append(sse, "\n\n"...)
	return newFrame(sse)
}

// PingEvent is the SSE event name of the keep-alive; browsers ignore events they do not listen to.
const PingEvent = "hearth:ping"

var pingFrame = newFrame([]byte("event:" + PingEvent + "\ndata:{}\n\n"))
