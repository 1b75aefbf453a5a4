import { DAY_PARTS, WEEKDAYS } from '#domain/vocabulary.ts';
import { DAY_PART_LABELS, WEEKDAY_LABELS } from '../labels.ts';
import { slotKey } from '../referral-draft.ts';
import { GroupFieldset } from './fields.tsx';
import { useField } from './form.tsx';

/** A week of morning/afternoon/evening checkboxes for a string[] of slot keys (a client's or a worker's). */
export function AvailabilityGrid({
  path,
  legend = 'When the client can usually meet',
  hint = 'Leave all unticked if it is not known yet.',
}: {
  path: string;
  legend?: string;
  hint?: string;
}) {
  const { form, id, error, value } = useField(path, legend);
  const selected = Array.isArray(value) ? (value as string[]) : [];
  return (
    <GroupFieldset id={id} legend={legend} hint={hint} error={error} optional>
      <table class="availability">
        <thead>
          <tr>
            <td />
            {DAY_PARTS.map((part) => (
              <th scope="col" key={part}>
                {DAY_PART_LABELS[part]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, row) => (
            <tr key={day}>
              <th scope="row">{WEEKDAY_LABELS[day]}</th>
              {DAY_PARTS.map((part, column) => {
                const key = slotKey(day, part);
                const boxId = row === 0 && column === 0 ? id : `${id}-${key}`;
                return (
                  <td key={key}>
                    <input
                      type="checkbox"
                      id={boxId}
                      checked={selected.includes(key)}
                      aria-label={`${WEEKDAY_LABELS[day]} ${DAY_PART_LABELS[part].toLowerCase()}`}
                      onChange={(event) => {
                        const on = (event.currentTarget as HTMLInputElement).checked;
                        form.set(path, on ? [...selected, key] : selected.filter((k) => k !== key));
                      }}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </GroupFieldset>
  );
}
