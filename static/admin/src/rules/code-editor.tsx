import { useEffect, useRef } from 'react';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';

export interface LineError {
  line: number | null;
  column: number | null;
  message: string;
}

/** Where a 1-based line/column error sits in the document (whole line; clamped to the text). */
export function diagnosticRange(doc: Text, error: LineError): { from: number; to: number } {
  const lineNo = Math.min(Math.max(error.line ?? 1, 1), doc.lines);
  const line = doc.line(lineNo);
  const from = error.column === null ? line.from : Math.min(line.from + Math.max(error.column - 1, 0), line.to);
  return { from, to: Math.max(line.to, from) };
}

function toDiagnostics(doc: Text, errors: readonly LineError[]): Diagnostic[] {
  return errors.map((e) => ({ ...diagnosticRange(doc, e), severity: 'error', message: e.message }));
}

export interface CodeEditorHandle {
  focusLine: (line: number) => void;
}

/**
 * A CodeMirror 6 editor with JavaScript highlighting and a lint gutter showing `errors` at their
 * lines. Tab is left to the browser (focus moves on), so the page stays keyboard-usable.
 */
export function CodeEditor({ label, value, onChange, errors, handleRef }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: readonly LineError[];
  handleRef?: (handle: CodeEditorHandle | null) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (host.current === null) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          javascript(),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    handleRef?.({
      focusLine: (line) => {
        const target = editor.state.doc.line(Math.min(Math.max(line, 1), editor.state.doc.lines));
        editor.dispatch({ selection: { anchor: target.from, head: target.to }, scrollIntoView: true });
        editor.focus();
      },
    });
    return () => {
      handleRef?.(null);
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; `value` changes from outside are applied below.
  }, [label]);

  useEffect(() => {
    const editor = view.current;
    if (editor === null) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (editor === null) return;
    editor.dispatch(setDiagnostics(editor.state, toDiagnostics(editor.state.doc, errors)));
  }, [errors, value]);

  return <div ref={host} className="ts-editor" data-testid={`editor-${label}`} />;
}
