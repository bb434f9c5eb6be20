/**
 * The app's Content-Security-Policy, built at build time. connect-src allows only this origin and
 * the model hosts the deployment lists in MEMOS_MODEL_HOSTS (space- or comma-separated origins, e.g.
 * "https://huggingface.co https://raw.githubusercontent.com" for web-llm's catalogue). It goes into
 * index.html as a meta tag (covers the page) and, from `vite preview` or any server configured the
 * same way, as a header on every response (covers the workers too, which is where models are
 * fetched). See docs/decisions/0016-content-security-policy.md.
 */

/** Parses MEMOS_MODEL_HOSTS into origins; anything that is not an http(s) origin is an error. */
export function modelHosts(value: string | undefined): string[] {
  const hosts = (value ?? '').split(/[\s,]+/).filter(Boolean);
  return hosts.map((host) => {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw new Error(`MEMOS_MODEL_HOSTS: "${host}" is not a URL (write an origin such as https://models.example.org).`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash) {
      throw new Error(`MEMOS_MODEL_HOSTS: "${host}" must be an http(s) origin with no path.`);
    }
    return url.origin;
  });
}

/** The policy text for a list of model host origins. */
export function contentSecurityPolicy(hosts: readonly string[]): string {
  return [
    "default-src 'self'",
    // ORT and tfjs compile WebAssembly; no eval of JavaScript.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    `connect-src ${["'self'", ...hosts].join(' ')}`,
    "img-src 'self' data: blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}
