/**
 * Maps a request path to the route template that serves it (`/transactions/:transactionId`),
 * so that metrics are labelled by route and never by raw path (paths carry ids).
 */
export type RouteTemplateResolver = (path: string) => string | undefined;

const PARAMETER = /^([:*])[A-Za-z0-9_]+$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Mirrors Express's defaults: case-insensitive, a trailing slash allowed.
function compile(template: string): RegExp {
  const segments = template.split('/').map((segment) => {
    const parameter = PARAMETER.exec(segment);
    if (!parameter) return escapeRegExp(segment);
    return parameter[1] === '*' ? '.+' : '[^/]+';
  });
  return new RegExp(`^${segments.join('/')}/?$`, 'i');
}

function normalise(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

/** A resolver over Express path templates; static templates are a map lookup. */
export function createRouteTemplateResolver(templates: Iterable<string>): RouteTemplateResolver {
  const exact = new Map<string, string>();
  const patterns: [RegExp, string][] = [];
  for (const template of new Set(templates)) {
    if (template.split('/').some((segment) => PARAMETER.test(segment))) {
      patterns.push([compile(template), template]);
    } else {
      exact.set(normalise(template), template);
    }
  }
  return (path) => {
    const found = exact.get(normalise(path));
    if (found !== undefined) return found;
    for (const [pattern, template] of patterns) if (pattern.test(path)) return template;
    return undefined;
  };
}
