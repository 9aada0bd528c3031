package relay

import "strconv"

// frame is one event, encoded once for every recipient: as SSE, and as the same SSE wrapped in
// one HTTP/1.1 chunk for connections the relay writes to directly.
type frame struct {
	sse   []byte
	chunk []byte
}

func newFrame(sse []byte) *frame {
	head := strconv.FormatInt(int64(len(sse)), 16) + "\r\n"
	chunk := make([]byte, 0, len(head)+len(sse)+2)
	chunk = append(chunk, head...)
	chunk = append(chunk, sse...)
	chunk = append(chunk, "\r\n"...)
	return &frame{sse: chunk[len(head) : len(head)+len(sse)], chunk: chunk}
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
