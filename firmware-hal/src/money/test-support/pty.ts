// Tests keep importing the pty pair from here; the implementation is production code because
// the money simulator panel (`jukebox-money-sim`) runs on the same socat pairs.
export { openPtyPair, type PtyPair } from '../pty-pair.js';
