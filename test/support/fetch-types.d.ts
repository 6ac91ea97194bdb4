// The generated client (client/) names the Fetch API's BodyInit, which Node's types keep in
// undici-types rather than as a global: the global the DOM library would give it.
type BodyInit = import('undici-types').BodyInit;
