import { forwardRef, type ButtonHTMLAttributes } from 'react';

export type ButtonAppearance = 'default' | 'primary' | 'danger' | 'subtle';

interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  appearance?: ButtonAppearance;
  /** shows an ellipsis and disables the button while work is in flight */
  isLoading?: boolean;
  type?: 'button' | 'submit';
}

/** A button styled like @atlaskit/button, with design tokens. */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { appearance = 'default', isLoading = false, disabled, children, className, type = 'button', ...rest },
  ref,
) {
  const classes = ['ts-button', appearance === 'default' ? '' : `ts-button--${appearance}`, className ?? '']
    .filter((c) => c !== '')
    .join(' ');
  return (
    <button
      {...rest}
      ref={ref}
      type={type}
      className={classes}
      disabled={disabled === true || isLoading}
      aria-busy={isLoading || undefined}
    >
      {children}
      {isLoading ? '…' : null}
    </button>
  );
});
