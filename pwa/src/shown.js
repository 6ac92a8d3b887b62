// What the screens show of recorded text. Bidirectional controls (U+202E and its kin) are
// invisible and reorder the text around them: a description ending in U+202E shows the
// author's name beside it reversed. Every text field refuses them (sync.values.bidi_problem),
// but text stored before that keeps its recorded bytes; every text node the app renders shows
// each as U+FFFD instead. The list is the server's (pwa/test/shown.test.js holds it there).
import { options } from 'preact';

export const BIDI_CONTROLS = ['061C', '200E', '200F', '202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069'];
const BIDI = new RegExp(`[${BIDI_CONTROLS.map((c) => `\\u${c}`).join('')}]`, 'g');

/** `text` with each bidirectional control shown as U+FFFD. */
export function neutral(text) {
  return text.replace(BIDI, '\uFFFD');
}

/** Install on Preact's vnode hook: a text vnode's content (its props) is made neutral, and
 * so is the text a component passes as a string child, whatever screen renders it. */
export function neutraliseTextNodes() {
  const before = options.vnode;
  options.vnode = (vnode) => {
    if (vnode.type == null && typeof vnode.props === 'string') vnode.props = neutral(vnode.props);
    if (before) before(vnode);
  };
}
