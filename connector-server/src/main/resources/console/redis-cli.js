// Splits a command line the way redis-cli does: words separated by spaces; "double quotes" with \n \r \t \b \a
// \\ \" and \xHH escapes; 'single quotes' with only \' as an escape. Returns the words, or throws on an unclosed
// quote or a quote not followed by a space.
export function splitCommandLine(line) {
  const words = [];
  let i = 0;
  const n = line.length;
  while (true) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) return words;
    let word = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      if (inDouble) {
        if (i >= n) throw new Error('unbalanced quotes: a " is not closed');
        const c = line[i];
        if (c === '\\' && i + 3 < n && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          word += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          word += { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' }[e] ?? e;
        } else if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1])) throw new Error('a closing " must be followed by a space');
          done = true;
        } else {
          word += c;
        }
      } else if (inSingle) {
        if (i >= n) throw new Error("unbalanced quotes: a ' is not closed");
        const c = line[i];
        if (c === '\\' && i + 1 < n && line[i + 1] === "'") {
          i++;
          word += "'";
        } else if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1])) throw new Error("a closing ' must be followed by a space");
          done = true;
        } else {
          word += c;
        }
      } else if (i >= n || /\s/.test(line[i])) {
        done = true;
      } else if (line[i] === '"') {
        inDouble = true;
      } else if (line[i] === "'") {
        inSingle = true;
      } else {
        word += line[i];
      }
      if (i < n) i++;
    }
    words.push(word);
  }
}

function isHex(c) {
  return /[0-9a-fA-F]/.test(c);
}
