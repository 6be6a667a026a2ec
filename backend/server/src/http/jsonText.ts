/**
 * An answer already written as JSON, standing for a `T`: sent as it is, for reads that assemble stored
 * JSON text rather than build objects only to serialize them again.
 */
export class JsonText<T> {
  /** Only for the type: what the text stands for. */
  declare readonly shape?: T;

  constructor(readonly text: string) {}

  parse(): T {
    return JSON.parse(this.text) as T;
  }
}
