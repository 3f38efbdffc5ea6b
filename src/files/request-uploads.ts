import { fileErrors } from './errors.ts';

/** A file a request uploaded, as stored. */
export interface StoredUpload {
  /** The stored name (with its unique prefix). */
  name: string;
  url: string;
  size: number;
  contentType: string;
}

/**
 * What stands in a request's variables for a file it uploaded: an object only the multipart
 * parser makes, so no JSON value — in this request or another — can pass for one. Resolvers
 * turn it into the stored file with `claimUpload`.
 */
export class UploadToken {
  readonly #owner: RequestUploads;
  constructor(owner: RequestUploads) {
    this.#owner = owner;
  }
  /** @internal */
  static ownerOf(token: UploadToken): RequestUploads {
    return token.#owner;
  }
}

/**
 * The stored file an `Upload` value stands for, recorded as used by the mutation running now
 * (see RequestUploads). Anything but a token of this request is refused: 130 `Invalid file upload.`
 */
export function claimUpload(value: unknown): StoredUpload {
  if (!(value instanceof UploadToken)) throw fileErrors.invalidUpload();
  return UploadToken.ownerOf(value).claim(value);
}

/**
 * The files one request uploaded, and which of them it used. A file is used when a mutation
 * that claimed it (createFile, or a create/update whose input holds it) completes: root
 * mutation fields run one after another, each in its own transaction, so claims are gathered
 * per field (`runField`) and kept only when the field succeeds. What the request did not use —
 * a failed write's files, files no field named — is deleted once the response is made.
 */
export class RequestUploads {
  private readonly files = new Map<UploadToken, StoredUpload>();
  private readonly used = new Set<UploadToken>();
  private claims: Set<UploadToken> | undefined;
  private finished = false;

  /** Registers a stored file; the token takes its place in the operation's variables. */
  add(file: StoredUpload): UploadToken {
    const token = new UploadToken(this);
    this.files.set(token, file);
    return token;
  }

  get stored(): readonly StoredUpload[] {
    return [...this.files.values()];
  }

  claim(token: UploadToken): StoredUpload {
    const file = this.files.get(token);
    if (!file || this.finished) throw fileErrors.invalidUpload();
    // Outside a mutation field (nothing should claim there), the file is kept.
    (this.claims ?? this.used).add(token);
    return file;
  }

  /** Runs one root mutation field: what it claims is used if it succeeds, released if it throws. */
  async runField<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.claims) return fn();
    const claims = new Set<UploadToken>();
    this.claims = claims;
    try {
      const result = await fn();
      for (const t of claims) this.used.add(t);
      return result;
    } finally {
      this.claims = undefined;
    }
  }

  /** Ends the request: the files it did not use, for deletion (once: later calls give none). */
  finish(): StoredUpload[] {
    if (this.finished) return [];
    this.finished = true;
    return [...this.files].filter(([token]) => !this.used.has(token)).map(([, file]) => file);
  }
}
