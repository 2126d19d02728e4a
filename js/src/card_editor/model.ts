/** The ModelCardEditor's synced state: every trait the front end reads or writes, typed once. */

export type FieldKind = "text" | "markdown";

/** One human-written field of the card; `value` is its text (a list field: one item per line). */
export interface CardField {
  /** Dotted path in the card, e.g. "model_details.description". */
  path: string;
  label: string;
  kind: FieldKind;
  value: string;
  source: string;
}

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

/** The last save: when, what happened, and whether the file changed on disk under us. */
export interface SaveStatus {
  saved_at: string;
  message: string;
  conflict: boolean;
}

/** What the browser writes: one field's new text; Python applies, checks and saves it. */
export interface FieldEdit {
  path: string;
  value: string;
}

export interface CardEditorModel {
  sections: CardSection[];
  profile: string;
  missing: MissingField[];
  completeness: number;
  edit: FieldEdit | Record<string, never>;
  status: SaveStatus;
}
