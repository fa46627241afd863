/** A response the page may use, answered from memory (a capture's stored body, for example). */
export interface RenderResource {
  /** Sent as the response's Content-Type (text/css for a stylesheet, image/png for an image…). */
  contentType: string;
  body: Buffer;
}

export interface Viewport {
  width: number;
  height: number;
}

/** What to render. Everything but `html` is optional. */
export interface RenderInput {
  /** The page's HTML, as captured (bytes) or as generated (text, sent as UTF-8). */
  html: Buffer | string;
  /**
   * The URL the page is loaded as, so relative links resolve as on the live page. Only http(s).
   * Leave it out for a document we generated ourselves: it then loads as
   * LOCAL_DOCUMENT_BASE_URL (https://copyhound.invalid/, a name that can never resolve).
   */
  baseUrl?: string;
  /**
   * The Content-Type the HTML is served with (the capture's own header, for its charset).
   * Default: `text/html; charset=utf-8` for a string, `text/html` for bytes (Chromium then
   * sniffs a BOM or a meta charset, as a browser does for a header without one).
   */
  contentType?: string;
  /** Responses by exact URL (any #fragment in a key is ignored, as a request never carries one). */
  resources?: Map<string, RenderResource>;
  viewport?: Viewport;
  /** This render's deadline; the renderer's timeoutMs when left out. */
  timeoutMs?: number;
}

export interface RenderResult {
  /** Full-page screenshot (cut at MAX_SCREENSHOT_HEIGHT_PX, viewport wide). */
  png: Buffer;
  /** A4 PDF with backgrounds, screen styles (what a visitor sees), at most MAX_PDF_PAGES pages. */
  pdf: Buffer;
  /** What was not shown: refused requests (count and first URLs), refused navigations, cuts. */
  warnings: string[];
}

export interface RendererConfig {
  /** Path of the chromium executable (Debian: /usr/bin/chromium). */
  chromiumPath: string;
  /** Default deadline of one render, from the call to the result, browser start included. */
  timeoutMs: number;
}

export interface Renderer {
  render(input: RenderInput): Promise<RenderResult>;
  /** Stops the browser; renders still running reject with reason `renderer_closed`. */
  close(): Promise<void>;
}
