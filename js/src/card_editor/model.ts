/** The ModelCardEditor's synced state: every trait the front end reads or writes, typed once. */

/** How a field is edited: a text area (a Markdown one with a preview), a number box, a
 * check box, rows of name and value (a table such as hyperparameters), or a drop-down of a
 * fixed list of values (a slice finding's status). */
export type FieldKind = "text" | "markdown" | "number" | "integer" | "checkbox" | "keyvalue" | "choice";

/** A key/value table: `[name, value as text]` per row. */
export type KeyValueRows = [string, string][];

export type FieldValue = string | number | boolean | null | KeyValueRows;

interface FieldBase {
  /** Dotted path in the card, e.g. "model_details.description" or "metrics[0].rationale". */
  path: string;
  label: string;
  source: string;
}

/** A text field; a list field shows one item per line. */
export interface TextField extends FieldBase {
  kind: "text" | "markdown";
  value: string;
}

/** A number (`null`: not given); `min` is the smallest value it takes, when there is one. */
export interface NumberField extends FieldBase {
  kind: "number" | "integer";
  value: number | null;
  min?: number;
}

/** True or false (`null`: not said yet). */
export interface CheckboxField extends FieldBase {
  kind: "checkbox";
  value: boolean | null;
}

export interface KeyValueField extends FieldBase {
  kind: "keyvalue";
  value: KeyValueRows;
}

/** One of `options`; a value a card holds that is not among them (written by an older
 * version) is shown as it is, and can be changed to one of them. */
export interface ChoiceField extends FieldBase {
  kind: "choice";
  value: string;
  options: string[];
}

/** One human-written field of the card. */
export type CardField = TextField | NumberField | CheckboxField | KeyValueField | ChoiceField;

export interface CardSection {
  key: string;
  title: string;
  fields: CardField[];
}

/** One thing the profile requires and the card lacks. */
export interface MissingField {
  field: string;
  requirement: string;
  why: string;
}

/** The last save: when, what happened, and whether the file changed on disk under us;
 * `refused` says why Python did not take the last edit (empty or absent: it did). */
export interface SaveStatus {
  saved_at: string;
  message: string;
  conflict: boolean;
  refused?: string;
}

/** What the browser writes: one field's new value; Python checks, applies and saves it. */
export interface FieldEdit {
  path: string;
  value: FieldValue;
}

export interface CardEditorModel {
  sections: CardSection[];
  profile: string;
  missing: MissingField[];
  completeness: number;
  edit: FieldEdit | Record<string, never>;
  status: SaveStatus;
}
