/** Small form controls shared by the widgets. */

export interface Choice {
  value: string;
  label: string;
  title?: string;
}

/** A `<label>` holding a caption and a `<select>`; the caller listens to the select. */
export function labelledSelect(
  caption: string,
  className: string,
): { root: HTMLLabelElement; select: HTMLSelectElement } {
  const root = document.createElement("label");
  root.className = "fw-control";
  const text = document.createElement("span");
  text.className = "fw-control-caption";
  text.textContent = caption;
  const select = document.createElement("select");
  select.className = `fw-select ${className}`;
  root.append(text, select);
  return { root, select };
}

/** Replace the options of `select` (only when they changed) and select `value`. */
export function setChoices(select: HTMLSelectElement, choices: readonly Choice[], value: string): void {
  const current = Array.from(select.options, (option) => [option.value, option.text, option.title].join("\u0000")).join(
    "\u0001",
  );
  const wanted = choices
    .map((choice) => [choice.value, choice.label, choice.title ?? ""].join("\u0000"))
    .join("\u0001");
  if (current !== wanted) {
    select.replaceChildren(
      ...choices.map((choice) => {
        const option = document.createElement("option");
        option.value = choice.value;
        option.text = choice.label;
        if (choice.title !== undefined) {
          option.title = choice.title;
        }
        return option;
      }),
    );
  }
  select.value = value;
}
