/**
 * Pieces are gathered into strings of about this many characters. V8 keeps strings this short in its
 * young generation, whose memory is reused; one string of the whole answer (700 KB for a busy service's
 * annotations) goes to its large-object space, freshly mapped memory that the process faults in page
 * by page each time: building, joining and sending such a string cost more than either SQL statement of the read.
 */
const CHUNK_CHARS = 16 * 1024;

/**
 * An answer already written as JSON, standing for a `T`: sent as it is, for reads that assemble stored
 * JSON text rather than build objects only to serialize them again. Held as chunks (see CHUNK_CHARS),
 * never as one large string.
 */
export class JsonText<T> {
  /** Only for the type: what the text stands for. */
  declare readonly shape?: T;

  /** The text in order; each chunk about CHUNK_CHARS long at most, plus one piece. */
  readonly chunks: readonly string[];

  constructor(text: string | readonly string[]) {
    this.chunks = typeof text === 'string' ? [text] : text;
  }

  /** `prefix`, each item (separated by `separator`), `suffix`, gathered into chunks as they come. */
  static join<T>(prefix: string, items: Iterable<string>, separator: string, suffix: string): JsonText<T> {
    const chunks: string[] = [];
    let current = prefix;
    let first = true;
    for (const item of items) {
      current += first ? item : separator + item;
      first = false;
      if (current.length >= CHUNK_CHARS) {
        chunks.push(current);
        current = '';
      }
    }
    chunks.push(current + suffix);
    return new JsonText<T>(chunks);
  }

  /** The whole text as one string: for tests and small answers, not for sending large ones. */
  get text(): string {
    return this.chunks.join('');
  }

  parse(): T {
    return JSON.parse(this.text) as T;
  }

  /** Its length in UTF-8 bytes, for Content-Length. */
  byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += Buffer.byteLength(c);
    return n;
  }

  /**
   * The text as an HTTP body: a string when it is one chunk, else one buffer the chunks are encoded
   * into, sent in one write (Content-Length set from it).
   */
  body(): string | Buffer {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = Buffer.allocUnsafe(this.byteLength());
    let at = 0;
    for (const c of this.chunks) at += out.write(c, at);
    return out;
  }
}
