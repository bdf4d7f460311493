import { Transform } from 'class-transformer';

/** HTML forms and query builders send blank fields as ''; those mean "not given". */
export function EmptyAsAbsent(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' && value.trim() === '' ? undefined : value,
  );
}

/** A whole number from a query string; blank means "not given", anything else stays for the validator. */
export function QueryInteger(): PropertyDecorator {
  return Transform(({ value }) => {
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) return undefined;
    return /^\d+$/.test(String(value)) ? Number(value) : value;
  });
}
