// The typed client of the HTTP API, generated from the committed OpenAPI document by
// `npm run client` (which first regenerates openapi.json from the code).
export default {
  input: 'openapi.json',
  // CLIENT_OUT: where CI regenerates it to compare with the committed copy.
  output: { path: process.env.CLIENT_OUT ?? 'client/src', postProcess: [] },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
};
