"""SQL that access_mgmt migration 0003_add_access_rules ran, frozen as it ran.

The migration reads these names from ``access_mgmt.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

ROLE_HIERARCHY_ACYCLIC = """
CREATE FUNCTION "access_mgmt".role_hierarchy_acyclic() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_code text;
    child_code text;
BEGIN
    IF NEW.parent_role_id = NEW.child_role_id THEN
        RETURN NEW;  -- the CHECK role_hierarchy_no_self_edge refuses it, by name
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('access_mgmt.role_hierarchy'));
    IF EXISTS (
        WITH RECURSIVE reachable(role_id) AS (
            SELECT NEW.child_role_id
            UNION
            SELECT edge.child_role_id
              FROM "access_mgmt"."role_hierarchy" edge
              JOIN reachable ON edge.parent_role_id = reachable.role_id
             WHERE edge.id <> NEW.id  -- on UPDATE, the edge's old version does not count
        )
        SELECT 1 FROM reachable WHERE role_id = NEW.parent_role_id
    ) THEN
        SELECT code INTO parent_code FROM "access_mgmt"."system_roles" WHERE id = NEW.parent_role_id;
        SELECT code INTO child_code FROM "access_mgmt"."system_roles" WHERE id = NEW.child_role_id;
        RAISE EXCEPTION 'access_mgmt.role_hierarchy: edge % -> % would close a cycle (% already inherits from %)',
            parent_code, child_code, child_code, parent_code
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'role_hierarchy_acyclic';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER role_hierarchy_acyclic
    BEFORE INSERT OR UPDATE OF parent_role_id, child_role_id ON "access_mgmt"."role_hierarchy"
    FOR EACH ROW EXECUTE FUNCTION "access_mgmt".role_hierarchy_acyclic();
"""

DROP_ROLE_HIERARCHY_ACYCLIC = """
DROP TRIGGER role_hierarchy_acyclic ON "access_mgmt"."role_hierarchy";
DROP FUNCTION "access_mgmt".role_hierarchy_acyclic();
"""

APPROVAL_MAKER_CHECKER = """
CREATE FUNCTION "access_mgmt".approval_actions_maker_checker() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    requester bigint;
    request_workflow bigint;
    step_workflow bigint;
BEGIN
    SELECT requested_by_id, workflow_id INTO requester, request_workflow
      FROM "access_mgmt"."approval_requests" WHERE id = NEW.request_id;
    IF NEW.actor_id = requester THEN
        RAISE EXCEPTION 'access_mgmt.approval_actions: system user % requested approval request % and cannot act on it (maker-checker)',
            NEW.actor_id, NEW.request_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'approval_actions_maker_checker';
    END IF;
    SELECT workflow_id INTO step_workflow FROM "access_mgmt"."approval_workflow_steps" WHERE id = NEW.step_id;
    IF step_workflow IS DISTINCT FROM request_workflow THEN
        RAISE EXCEPTION 'access_mgmt.approval_actions: step % belongs to workflow %, but approval request % runs workflow %',
            NEW.step_id, step_workflow, NEW.request_id, request_workflow
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'approval_actions_step_of_workflow';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER approval_actions_maker_checker
    BEFORE INSERT ON "access_mgmt"."approval_actions"
    FOR EACH ROW EXECUTE FUNCTION "access_mgmt".approval_actions_maker_checker();

CREATE FUNCTION "access_mgmt".approval_requests_fixed_requester() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_mgmt.approval_requests: request % keeps its requester and workflow (% -> %, % -> % refused)',
        OLD.id, OLD.requested_by_id, NEW.requested_by_id, OLD.workflow_id, NEW.workflow_id
        USING ERRCODE = 'check_violation',
              CONSTRAINT = 'approval_requests_fixed_requester';
END
$$;
CREATE TRIGGER approval_requests_fixed_requester
    BEFORE UPDATE OF requested_by_id, workflow_id ON "access_mgmt"."approval_requests"
    FOR EACH ROW
    WHEN (OLD.requested_by_id IS DISTINCT FROM NEW.requested_by_id
          OR OLD.workflow_id IS DISTINCT FROM NEW.workflow_id)
    EXECUTE FUNCTION "access_mgmt".approval_requests_fixed_requester();
"""

DROP_APPROVAL_MAKER_CHECKER = """
DROP TRIGGER approval_requests_fixed_requester ON "access_mgmt"."approval_requests";
DROP FUNCTION "access_mgmt".approval_requests_fixed_requester();
DROP TRIGGER approval_actions_maker_checker ON "access_mgmt"."approval_actions";
DROP FUNCTION "access_mgmt".approval_actions_maker_checker();
"""

REVOKE_SESSIONS = """
CREATE FUNCTION "access_mgmt".revoke_system_user_sessions(target_user_id bigint, why text)
RETURNS void LANGUAGE sql AS $$
    WITH revoked AS (
        UPDATE "access_mgmt"."auth_sessions"
           SET revoked_at = clock_timestamp(), revoke_reason = why
         WHERE principal_type = 'SYSTEM_USER' AND principal_id = target_user_id
           AND revoked_at IS NULL
     RETURNING id
    )
    UPDATE "access_mgmt"."refresh_tokens" SET revoked_at = clock_timestamp()
     WHERE session_id IN (SELECT id FROM revoked) AND revoked_at IS NULL;
$$;

CREATE FUNCTION "access_mgmt".user_roles_revoke_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "access_mgmt".revoke_system_user_sessions(OLD.user_id, 'ROLE_REMOVED');
    RETURN NULL;
END
$$;
CREATE TRIGGER user_roles_revoke_sessions_on_revoke
    AFTER UPDATE OF revoked_at ON "access_mgmt"."user_roles"
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION "access_mgmt".user_roles_revoke_sessions();
CREATE TRIGGER user_roles_revoke_sessions_on_delete
    AFTER DELETE ON "access_mgmt"."user_roles"
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
    EXECUTE FUNCTION "access_mgmt".user_roles_revoke_sessions();

CREATE FUNCTION "access_mgmt".password_reset_tokens_revoke_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "access_mgmt".revoke_system_user_sessions(NEW.user_id, 'PASSWORD_RESET');
    RETURN NULL;
END
$$;
CREATE TRIGGER password_reset_tokens_revoke_sessions
    AFTER UPDATE OF used_at ON "access_mgmt"."password_reset_tokens"
    FOR EACH ROW WHEN (OLD.used_at IS NULL AND NEW.used_at IS NOT NULL)
    EXECUTE FUNCTION "access_mgmt".password_reset_tokens_revoke_sessions();
"""

DROP_REVOKE_SESSIONS = """
DROP TRIGGER password_reset_tokens_revoke_sessions ON "access_mgmt"."password_reset_tokens";
DROP FUNCTION "access_mgmt".password_reset_tokens_revoke_sessions();
DROP TRIGGER user_roles_revoke_sessions_on_delete ON "access_mgmt"."user_roles";
DROP TRIGGER user_roles_revoke_sessions_on_revoke ON "access_mgmt"."user_roles";
DROP FUNCTION "access_mgmt".user_roles_revoke_sessions();
DROP FUNCTION "access_mgmt".revoke_system_user_sessions(bigint, text);
"""
