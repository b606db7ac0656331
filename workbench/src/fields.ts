// One form control per fact of the vocabulary, each with a <label> (or a <fieldset> and
// <legend>): an enumeration is a <select> (blank: unknown), a set checkboxes, a boolean
// three radio buttons (yes / no / unknown), a number an <input type=number> with the
// range's bounds, a date a date input, text a text input.

import type { Field, Json } from "./api";
import { freshId, h, show } from "./dom";

export interface Control {
  readonly field: Field;
  readonly el: HTMLElement;
  /** Shows a value; `undefined` is unknown. */
  set(value: Json | undefined): void;
  /** The value shown, `undefined` when unknown. */
  get(): Json | undefined;
}

const optionLabel = (o: Field["options"][number]) => (o.label ? `${o.label} (${o.value})` : o.value);

function bounds(field: Field): string {
  const parts: string[] = [];
  if (field.min) parts.push(`${field.min.inclusive ? "≥" : ">"} ${field.min.value}`);
  if (field.max) parts.push(`${field.max.inclusive ? "≤" : "<"} ${field.max.value}`);
  return parts.join(" and ");
}

function describe(field: Field, id: string): HTMLElement {
  const extra: string[] = [];
  const range = bounds(field);
  if (range) extra.push(range);
  if (field.default !== null && field.default !== undefined) extra.push(`default ${show(field.default)}`);
  return h("span", { class: "hint", id }, field.meaning, extra.length ? ` (${extra.join("; ")})` : "");
}

/**
 * A control for `field`; `onChange` gets the new value (`undefined`: unknown). The ids
 * are `${idPrefix}-${field.name}`; `withMeaning` shows the field's meaning under it.
 */
export function fieldControl(
  field: Field,
  onChange: (value: Json | undefined) => void,
  idPrefix = "f",
  withMeaning = true,
): Control {
  const id = `${idPrefix}-${field.name}`;
  const hintId = freshId("hint");
  const describedBy = withMeaning ? hintId : null;
  const hint = (f: Field, hid: string) => (withMeaning ? describe(f, hid) : null);
  const note = h("span", { class: "note", "aria-live": "polite" });
  const testid = `${idPrefix === "f" ? "field" : idPrefix}-${field.name}`;

  switch (field.type) {
    case "enum": {
      const select = h(
        "select",
        { id, name: field.name, "aria-describedby": describedBy, "data-testid": testid },
        h("option", { value: "" }, "— unknown —"),
        field.options.map((o) => h("option", { value: o.value }, optionLabel(o))),
      );
      select.addEventListener("change", () => onChange(select.value === "" ? undefined : select.value));
      const el = h("div", { class: "field" }, h("label", { for: id }, h("code", {}, field.name)), select, hint(field, hintId), note);
      return {
        field,
        el,
        set(value) {
          const known = typeof value === "string" && field.options.some((o) => o.value === value);
          select.value = known ? (value as string) : "";
          note.textContent = value !== undefined && !known ? `given in the request JSON: ${show(value)}` : "";
        },
        get: () => (select.value === "" ? undefined : select.value),
      };
    }
    case "set": {
      const boxes = field.options.map((o) => {
        const boxId = `${id}-${o.value}`;
        const box = h("input", { type: "checkbox", id: boxId, value: o.value, "data-testid": `${testid}-${o.value}` });
        return { box, el: h("span", { class: "choice" }, box, h("label", { for: boxId }, optionLabel(o))) };
      });
      const get = () => {
        const chosen = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
        return chosen.length ? chosen : undefined;
      };
      for (const b of boxes) b.box.addEventListener("change", () => onChange(get()));
      const el = h(
        "fieldset",
        { class: "field", "aria-describedby": describedBy, "data-testid": testid },
        h("legend", {}, h("code", {}, field.name)),
        boxes.map((b) => b.el),
        hint(field, hintId),
        h("span", { class: "hint" }, "None ticked: unknown."),
        note,
      );
      return {
        field,
        el,
        set(value) {
          const list = Array.isArray(value) ? value : [];
          for (const b of boxes) b.box.checked = list.includes(b.box.value);
          note.textContent = value !== undefined && !Array.isArray(value) ? `given in the request JSON: ${show(value)}` : "";
        },
        get,
      };
    }
    case "bool": {
      const choices: [string, boolean | undefined][] = [
        ["yes", true],
        ["no", false],
        ["unknown", undefined],
      ];
      const radios = choices.map(([word, value]) => {
        const radioId = `${id}-${word}`;
        const radio = h("input", { type: "radio", id: radioId, name: id, value: word, "data-testid": `${testid}-${word}` });
        radio.addEventListener("change", () => radio.checked && onChange(value));
        return { radio, value, el: h("span", { class: "choice" }, radio, h("label", { for: radioId }, word)) };
      });
      const el = h(
        "fieldset",
        { class: "field", "aria-describedby": describedBy, "data-testid": testid },
        h("legend", {}, h("code", {}, field.name)),
        h("span", { class: "choices" }, radios.map((r) => r.el)),
        hint(field, hintId),
        note,
      );
      return {
        field,
        el,
        set(value) {
          const known = typeof value === "boolean" ? value : undefined;
          for (const r of radios) r.radio.checked = r.value === known;
          note.textContent = value !== undefined && typeof value !== "boolean" ? `given in the request JSON: ${show(value)}` : "";
        },
        get: () => radios.find((r) => r.radio.checked)?.value,
      };
    }
    default: {
      const type = field.type === "number" ? "number" : field.type === "date" ? "date" : "text";
      const input = h("input", {
        id,
        name: field.name,
        type,
        step: type === "number" ? "any" : null,
        min: field.min?.inclusive ? field.min.value : null,
        max: field.max?.inclusive ? field.max.value : null,
        "aria-describedby": describedBy,
        "data-testid": testid,
      });
      const get = (): Json | undefined => {
        if (input.value === "") return undefined;
        if (type === "number") {
          const n = Number(input.value);
          return Number.isFinite(n) ? n : undefined;
        }
        return input.value;
      };
      input.addEventListener("input", () => onChange(get()));
      const el = h("div", { class: "field" }, h("label", { for: id }, h("code", {}, field.name)), input, hint(field, hintId), note);
      return {
        field,
        el,
        set(value) {
          const plain = typeof value === "number" || typeof value === "string";
          input.value = plain ? String(value) : "";
          note.textContent = value !== undefined && !plain ? `given in the request JSON: ${show(value)}` : "";
        },
        get,
      };
    }
  }
}
