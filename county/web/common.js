// What the county screen shares with the halls' pages: base.js (element helpers, escaping,
// translation, API calls with a bearer token, errors by code — the hall server's own file, served
// here as it is) with the county's shared strings. Importing this module touches no page.

import { request, sharedStrings } from "./base.js";
import { STRINGS } from "./strings.js";

export * from "./base.js";
export { STRINGS };

sharedStrings(STRINGS);

/** A JSON call: resolves to the answer's data on 2xx, throws an ApiError otherwise. */
export const api = async (method, path, body) => (await request(method, path, body)).json();
