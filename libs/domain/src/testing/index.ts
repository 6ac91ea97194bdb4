// The domain's test door (`@app/domain/testing`): builders and the decider specification, for
// specs and test support only; production code never imports it (test/architecture checks).
export * from './billing';
export * from './decider-specification';
