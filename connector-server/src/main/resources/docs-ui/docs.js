// The API's browsable documentation: Swagger UI (served from the jar) over this server's own /openapi.json.
// No request leaves the server: the online validator is off, and the session or admin token is entered in the
// Authorize dialog and kept only in this page's memory.
window.ui = SwaggerUIBundle({
  url: new URL('../openapi.json', window.location.href).pathname,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
