/** A button that opens the browser's file picker and hands the chosen file on (the input is reset, so the same file can be picked twice). */
import { useRef, type ReactNode } from 'react';

interface Props {
  accept: string;
  onFile: (file: File) => void;
  children: ReactNode;
  title?: string;
  testId: string;
  inputTestId: string;
}

export function FilePickerButton({ accept, onFile, children, title, testId, inputTestId }: Props) {
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => fileRef.current?.click()} data-testid={testId} title={title}>
        {children}
      </button>
      <input
        ref={fileRef}
        type="file"
        accept={accept}
        hidden
        data-testid={inputTestId}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) onFile(f);
        }}
      />
    </>
  );
}
