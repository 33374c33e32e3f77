/**
 * The forms Copilot's manifest reference documents for each field (a string, a number, a list, a
 * map, or one of several). A value in another form is reported and left out before any mapper
 * reads the layer, so that no mapper drops one silently, and none has to guard against it.
 */
import { isMap } from './draft';
import type { Findings } from './report';

type Form = 'string' | 'number' | 'boolean' | 'list' | 'map';

/** Forms by dotted field path; a path not listed is taken as it is. */
const FORMS: Readonly<Record<string, readonly Form[]>> = {
  http: ['map', 'boolean'],
  'http.path': ['string'],
  'http.healthcheck': ['string', 'map'],
  'http.healthcheck.path': ['string'],
  'http.alias': ['string', 'list'],
  image: ['map'],
  'image.build': ['string', 'map'],
  'image.location': ['string'],
  'image.port': ['number'],
  'image.healthcheck': ['map'],
  cpu: ['number'],
  memory: ['number'],
  platform: ['string', 'map'],
  count: ['number', 'string', 'map'],
  'count.range': ['string', 'map'],
  'count.spot': ['number'],
  'count.cpu_percentage': ['number', 'map'],
  'count.memory_percentage': ['number', 'map'],
  'count.requests': ['number', 'map'],
  'count.response_time': ['string', 'number', 'map'],
  variables: ['map'],
  secrets: ['map'],
  command: ['string', 'list'],
  entrypoint: ['string', 'list'],
  deployment: ['map'],
  'deployment.rollback_alarms': ['list', 'map'],
  publish: ['map'],
  'publish.topics': ['list'],
  subscribe: ['map'],
  'subscribe.topics': ['list'],
  'subscribe.queue': ['map'],
  on: ['map'],
  'on.schedule': ['string'],
  timeout: ['string', 'number'],
  retries: ['number'],
  environments: ['map'],
};

const formOf = (v: unknown): Form | undefined =>
  typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : Array.isArray(v) ? 'list' : isMap(v) ? 'map' : undefined;

/**
 * A copy of `data` without the values that are in no documented form (null included), each
 * reported at its field. `environments` blocks are checked by the caller, layer by layer.
 */
export function wellFormed(data: Record<string, unknown>, f: Findings, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const forms = FORMS[path];
    if (value === null || value === undefined) {
      if (forms) f.add(path, 'is empty', 'give it a value, or remove it');
      continue;
    }
    if (forms && !forms.includes(formOf(value)!)) {
      f.add(path, `is ${describe(value)}; Copilot documents it as ${forms.map((x) => (x === 'list' ? 'a list' : x === 'map' ? 'a map' : `a ${x}`)).join(' or ')}`, 'correct it in the Copilot manifest and import again, or set the cityplan field by hand');
      continue;
    }
    // Documented maps are checked field by field; `environments` is the caller's.
    out[key] = isMap(value) && path !== 'environments' && Object.keys(FORMS).some((k) => k.startsWith(`${path}.`)) ? wellFormed(value, f, path) : value;
  }
  return out;
}

function describe(value: unknown): string {
  const form = formOf(value);
  return form === 'list' ? 'a list' : form === 'map' ? 'a map' : `${JSON.stringify(value)}`;
}
