import type { FilesAccessConfig, FilesAccessMode } from '../../config/index.ts';
import type { ServePolicy } from '../serve/index.ts';
import { EXPIRES_PARAM, SIGNATURE_PARAM, UrlSigner } from './signing.ts';

/** How long a browser may keep a file fetched with a signed URL, at most (never past the URL's own expiry). */
const SIGNED_MAX_AGE = 3600;

/**
 * Who may download which file, and the URLs that say so (PLINTH_FILES_ACCESS):
 * - `public` (Parse's rule): `FileInfo.url` is `<base>/<name>` and anyone who has it gets the
 *   file, cached publicly for long (a stored name never changes content);
 * - `objects`: `FileInfo.url` carries a signature with an expiry, handed out only while the
 *   caller reads an object that refers to the file; the download route serves a file only
 *   for such a URL, or to the master key. A refusal never says whether the file exists.
 */
export class FileDownloads {
  private readonly signer: UrlSigner;

  constructor(
    private readonly config: FilesAccessConfig,
    /** `<publicUrl>/files/<appId>` */
    readonly baseUrl: string,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.signer = new UrlSigner(config.urlKey, config.urlTtlSeconds);
  }

  get mode(): FilesAccessMode {
    return this.config.mode;
  }

  /** The URL `FileInfo.url` gives for a stored name (signed in `objects` mode). */
  url(name: string): string {
    const plain = `${this.baseUrl}/${encodeURIComponent(name)}`;
    if (this.config.mode === 'public') return plain;
    const { exp, sig } = this.signer.sign(name, this.now());
    return `${plain}?${EXPIRES_PARAM}=${exp}&${SIGNATURE_PARAM}=${sig}`;
  }

  /**
   * How a download of `name` is served, or undefined when it is refused (answer 403 before
   * looking the file up). `query` is the URL's query string; `master` whether the request
   * carries the master key.
   */
  policy(name: string, query: URLSearchParams, master: boolean): ServePolicy | undefined {
    if (this.config.mode === 'public') {
      const maxAge = this.config.publicMaxAgeSeconds;
      return {
        cacheControl: maxAge > 0 ? `public, max-age=${maxAge}, immutable` : 'no-cache',
        redirectSeconds: this.config.urlTtlSeconds,
      };
    }
    const left = this.signer.verify(name, query.get(EXPIRES_PARAM), query.get(SIGNATURE_PARAM), this.now());
    if (left !== undefined) return { cacheControl: `private, max-age=${Math.min(left, SIGNED_MAX_AGE)}`, redirectSeconds: left };
    if (master) return { cacheControl: 'private, no-store', redirectSeconds: 60 };
    return undefined;
  }
}
