// Counts with their noun in the right number, as the core's `fmt::count`:
// count(1, 'offentligt tilbud', 'offentlige tilbud') is "1 offentligt tilbud", 2 gives
// "2 offentlige tilbud", 0 the plural. Thousands are separated with a dot.
import { thousands } from './dom.js';

export function count(n, singular, plural) {
  return `${thousands(n)} ${n === 1 ? singular : plural}`;
}
