// The one-thread floor a transcript tool cannot beat on one core: read the whole file into one Buffer,
// split it on newline bytes, and JSON.parse each line, decoded from its own slice of the Buffer (no string
// is built before the split). The benchmark times this script as a whole process, from spawn to exit,
// exactly as it times `ccmend check FILE`.
//
// usage: node bench/floor.mjs FILE   (prints the number of lines parsed)
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const fd = openSync(process.argv[2], 'r');
const size = fstatSync(fd).size;
// readFileSync refuses files over 2 GiB: read into one Buffer in chunks instead.
const buf = Buffer.allocUnsafe(size);
for (let done = 0; done < size; ) {
  const n = readSync(fd, buf, done, Math.min(size - done, 1 << 30), done);
  if (n === 0) break;
  done += n;
}
closeSync(fd);

let lines = 0;
let start = 0; // of the current line
const parse = (end) => {
  if (end > start) {
    JSON.parse(buf.toString('utf8', start, end));
    lines++;
  }
};
// Buffer#indexOf takes and returns 32-bit offsets, so past 2 GiB it is called on windows of the Buffer.
const WINDOW = 1 << 30;
for (let base = 0; base < size; base += WINDOW) {
  const view = buf.subarray(base, base + WINDOW);
  for (let i = view.indexOf(0x0a); i !== -1; i = view.indexOf(0x0a, i + 1)) {
    parse(base + i);
    start = base + i + 1;
  }
}
parse(size);
process.stdout.write(`${lines}\n`);
