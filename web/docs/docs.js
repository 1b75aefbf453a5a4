// Starts Scalar's API reference (loaded just before as window.Scalar) on the PeerPath document. A script
// file, not inline, so the docs page's Content-Security-Policy needs no 'unsafe-inline' for scripts. (Not
// `#api-reference[data-spec-url]`: Scalar would mount that itself with its defaults, fonts and proxy included.)
(async () => {
  const mount = document.getElementById('reference');
  let url = mount.dataset.documentUrl;
  if (!url) {
    // The static copy beside the pages in the cloud: the stack's /config.json names the region's API.
    const config = await (await fetch('/config.json', { cache: 'no-store' })).json();
    url = `${config.apiUrl.replace(/\/+$/, '')}/openapi.json`;
  }
  window.Scalar.createApiReference(mount, {
    url,
    // Nothing leaves this origin: no web fonts, no request proxy, no hosted client, no AI agent.
    withDefaultFonts: false,
    hideClientButton: true,
    agent: { disabled: true },
    persistAuth: false,
    showDeveloperTools: 'never',
    authentication: { preferredSecurityScheme: 'bearerAuth' },
  });
})();
