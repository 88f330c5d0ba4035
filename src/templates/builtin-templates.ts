// The names of the templates shipped in the package's `templates/` folder, in a module of their own so the config
// checker can validate `builtin:` without loading the template engine (and Handlebars).

/** The templates shipped in the package's `templates/` folder, by the name `builtin:` uses. */
export const BUILTIN_TEMPLATES = ['cert.pem', 'key.pem', 'ca.pem', 'chain.pem', 'fullchain.pem', 'bundle.pem'] as const;
