// The shipped template names live with the config defaults (config validates `builtin:` and must not import
// templates/); re-exported here so the engine's side reads them from its own folder without loading Handlebars.
export { BUILTIN_TEMPLATES } from '../config/defaults.js';
