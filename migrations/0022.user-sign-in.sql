-- Console sign-in people can use: display names, passwords and lock-out.
-- depends: 0021.claim-numbers
--
-- display_name is what the console shows for a user (staff names, not ids);
-- empty means "show the id". password_hash is an argon2 PHC string (pwdlib),
-- NULL until a supervisor or `sanbao users password` sets one. Failed password
-- sign-ins are counted here, in PostgreSQL, so every process of the service sees
-- the same count; locked_until ends a lock-out by time, a correct password after
-- it (or a supervisor's reset) sets the count back to zero.
ALTER TABLE api.users ADD COLUMN IF NOT EXISTS display_name text NOT NULL DEFAULT '';
ALTER TABLE api.users ADD COLUMN IF NOT EXISTS password_hash text;
ALTER TABLE api.users ADD COLUMN IF NOT EXISTS failed_sign_ins integer NOT NULL DEFAULT 0;
ALTER TABLE api.users ADD COLUMN IF NOT EXISTS locked_until timestamptz;
