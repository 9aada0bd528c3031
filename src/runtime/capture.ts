// sseSend in pages, in the two modes of PocketPages' SSE plugin:
//   sseSend(topic, html, filter?)  sends html now;
//   sseSend(topic) / sseSend(topic, filter)  sends what the page renders after the call (before
//   any layout), while the request still gets its whole normal response.
import { theApp } from './app'

/** Filter narrows who receives an event (the app decides what it is given). */
type Filter = unknown

interface Mark {
  offset: number
  topic: string
  filter?: Filter
}

export interface Capture {
  /** sseSend for loaders: sending now only (a loader renders nothing to capture) */
  sseSend(topic: string, html: string, filter?: Filter): number
  /** called by the page template's own sseSend with how much it had rendered */
  __sseSendAt(offset: number, topic: string, htmlOrFilter?: string | Filter, filter?: Filter): number
  /** sends what was captured, given the page's rendered output */
  flush(output: string): void
}

export function newCapture(): Capture {
  const marks: Mark[] = []
  return {
    sseSend(topic, html, filter) {
      if (typeof html !== 'string') throw new Error('sseSend(topic) captures page output; in a loader pass the html to send')
      return theApp().publish(topic, html, filter)
    },
    __sseSendAt(offset, topic, htmlOrFilter, filter) {
      if (typeof htmlOrFilter === 'string') return theApp().publish(topic, htmlOrFilter, filter)
      marks.push({ offset, topic, filter: htmlOrFilter })
      return 0
    },
    flush(output) {
      for (const mark of marks) {
        const html = output.slice(mark.offset).trim()
        if (html) theApp().publish(mark.topic, html, mark.filter)
      }
    },
  }
}
