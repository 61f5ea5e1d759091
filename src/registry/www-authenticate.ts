// WWW-Authenticate parsing (RFC 7235 §4.1, RFC 6750 §3). One header may hold several challenges,
// e.g. `Bearer realm="https://auth/token",service="reg", Basic realm="reg"`, and parameter values
// may be quoted strings containing commas (`scope="repository:a:pull,push"`).

export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  readonly scheme: string;
  /** Lower-cased parameter names → unquoted values. */
  readonly params: Readonly<Record<string, string>>;
}

/** Parses every challenge in a header value; unparsable trailing text is ignored. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const scanner = new Scanner(header);
  const challenges: AuthChallenge[] = [];
  let current: { scheme: string; params: Record<string, string> } | undefined;
  for (;;) {
    scanner.skip(' \t,');
    if (scanner.done()) break;
    const token = scanner.token();
    if (token === '') break;
    scanner.skip(' \t');
    if (scanner.peek() === '=' && current !== undefined) {
      scanner.advance();
      scanner.skip(' \t');
      current.params[token.toLowerCase()] =
        scanner.peek() === '"' ? scanner.quoted() : scanner.bare();
      continue;
    }
    current = { scheme: token.toLowerCase(), params: {} };
    challenges.push(current);
    const token68 = scanner.token68();
    if (token68 !== '') current.params[''] = token68;
  }
  return challenges;
}

const TOKEN_CHARS = "!#$%&'*+-.^_`|~";

class Scanner {
  private index = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.index >= this.text.length;
  }

  peek(): string {
    return this.text[this.index] ?? '';
  }

  advance(): void {
    this.index++;
  }

  skip(chars: string): void {
    while (!this.done() && chars.includes(this.peek())) this.index++;
  }

  token(): string {
    const start = this.index;
    while (!this.done() && isTokenChar(this.peek())) this.index++;
    return this.text.slice(start, this.index);
  }

  /** An unquoted value. RFC 7235 wants a token, but registries send bare URLs: read to `,`/space. */
  bare(): string {
    const start = this.index;
    while (!this.done() && !', \t'.includes(this.peek())) this.index++;
    return this.text.slice(start, this.index);
  }

  /** A token68 directly after a scheme (`Basic dXNlcg==`), only when not followed by `=` param. */
  token68(): string {
    const start = this.index;
    while (!this.done() && (isTokenChar(this.peek()) || '/'.includes(this.peek()))) this.index++;
    while (this.peek() === '=') this.index++;
    const value = this.text.slice(start, this.index);
    const next = this.text.slice(this.index).trimStart()[0];
    if (value === '' || (next !== undefined && next !== ',')) {
      this.index = start; // it was the first auth-param name, not a token68
      return '';
    }
    return value;
  }

  quoted(): string {
    this.index++; // opening quote
    let value = '';
    while (!this.done() && this.peek() !== '"') {
      if (this.peek() === '\\') this.index++;
      value += this.peek();
      this.index++;
    }
    this.index++; // closing quote
    return value;
  }
}

function isTokenChar(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c) || TOKEN_CHARS.includes(c);
}
