-- name: MemberGet :one
SELECT role FROM workspace_members
WHERE workspace_id = @workspace_id AND subject = @subject;
