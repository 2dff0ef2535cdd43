/** A database Hearth cannot use. The file it names is left untouched. */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly file: string;
  readonly kind: 'corrupt' | 'unreadable' | 'newer' | 'locked';

  constructor(kind: StoreError['kind'], file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.file = file;
  }
}
