/**
 * The review of one slice: a status and a note, written to `annotations` (Python reads them
 * into the model card). Typing is saved once it pauses, and at once on blur or a status change.
 */
import type { AnyModel } from "@anywidget/types";
import { debounce } from "../shared/debounce";
import type { Listeners } from "../shared/listeners";
import { STATUSES, type Annotation, type SlicesModel, type Status } from "./model";

/** A note is saved this long after the last key. */
export const NOTE_DELAY_MS = 300;

function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

export class AnnotationEditor {
  readonly root: HTMLFieldSetElement;
  readonly status: HTMLSelectElement;
  readonly note: HTMLTextAreaElement;
  /** The slice being annotated ("" for none). */
  private sliceId = "";
  /** True while this editor writes the model: its own change event needs nothing. */
  private writing = false;
  private readonly save = debounce(() => this.write(), NOTE_DELAY_MS);

  constructor(
    private readonly model: AnyModel<SlicesModel>,
    listeners: Listeners,
  ) {
    this.root = document.createElement("fieldset");
    this.root.className = "fw-annotation";
    const legend = document.createElement("legend");
    legend.textContent = "Review";

    const statusLabel = document.createElement("label");
    statusLabel.className = "fw-control";
    const statusCaption = document.createElement("span");
    statusCaption.className = "fw-control-caption";
    statusCaption.textContent = "Status";
    this.status = document.createElement("select");
    this.status.className = "fw-select fw-annotation-status";
    const none = document.createElement("option");
    none.value = "";
    none.text = "not reviewed";
    this.status.append(
      none,
      ...STATUSES.map((status) => {
        const option = document.createElement("option");
        option.value = status;
        option.text = status;
        return option;
      }),
    );
    statusLabel.append(statusCaption, this.status);

    const noteLabel = document.createElement("label");
    noteLabel.className = "fw-note-label";
    const noteCaption = document.createElement("span");
    noteCaption.className = "fw-control-caption";
    noteCaption.textContent = "Note";
    this.note = document.createElement("textarea");
    this.note.className = "fw-annotation-note";
    this.note.rows = 3;
    this.note.placeholder = "Why this gap exists, what was decided, who owns it…";
    noteLabel.append(noteCaption, this.note);
    this.root.append(legend, statusLabel, noteLabel);

    listeners.dom(this.status, "change", () => {
      this.save.cancel();
      this.write();
    });
    listeners.dom(this.note, "input", () => this.save.call());
    listeners.dom(this.note, "change", () => this.save.flush());
    listeners.dom(this.note, "blur", () => this.save.flush());
  }

  /** Edit the annotation of `sliceId`, first saving what was typed for the previous slice. */
  show(sliceId: string): void {
    if (sliceId !== this.sliceId) {
      this.save.flush();
      this.sliceId = sliceId;
      this.load();
    }
  }

  /** `annotations` changed: show it, unless it is this editor's own write or the user is typing. */
  refresh(): void {
    if (!this.writing && !this.save.pending) {
      this.load();
    }
  }

  /** Save a note still waiting (before the view goes away). */
  flush(): void {
    this.save.flush();
  }

  private load(): void {
    const annotation = this.model.get("annotations")[this.sliceId];
    this.status.value = annotation?.status ?? "";
    this.note.value = annotation?.note ?? "";
  }

  private write(): void {
    if (this.sliceId === "") {
      return;
    }
    const annotations: Record<string, Annotation> = { ...this.model.get("annotations") };
    const before = annotations[this.sliceId];
    const note = this.note.value;
    const status = this.status.value;
    if (status === "" && note.trim() === "") {
      if (before === undefined) {
        return; // nothing to write, nothing to remove
      }
      delete annotations[this.sliceId];
    } else {
      // A note on a slice not reviewed yet opens its review.
      annotations[this.sliceId] = { status: isStatus(status) ? status : "open", note };
      this.status.value = annotations[this.sliceId]?.status ?? "open";
      if (before?.status === annotations[this.sliceId]?.status && before?.note === note) {
        return;
      }
    }
    this.writing = true;
    try {
      this.model.set("annotations", annotations);
      this.model.save_changes();
    } finally {
      this.writing = false;
    }
  }
}
