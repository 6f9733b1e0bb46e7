package app.swarmroll.android.features.onboarding

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.designsystem.str

/** First start: the name field, then (for a guest from the landing page) the invite offer. */
@Composable
fun OnboardingScreen(state: OnboardingState, onEvent: (OnboardingEvent) -> Unit, modifier: Modifier = Modifier) {
    Column(
        modifier.fillMaxSize().imePadding().verticalScroll(rememberScrollState()).padding(horizontal = 24.dp, vertical = 32.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp)
    ) {
        Logo()
        Text(
            str("onboarding_welcome"),
            style = MaterialTheme.typography.headlineMedium,
            modifier = Modifier.semantics { heading() }
        )
        Text(str("onboarding_intro"), style = MaterialTheme.typography.bodyLarge)
        Spacer(Modifier.height(8.dp))
        val offer = state.offer
        if (offer == null) NameStep(state, onEvent) else InviteOffer(offer, onEvent)
    }
}

@Composable
private fun NameStep(state: OnboardingState, onEvent: (OnboardingEvent) -> Unit) {
    val error =
        when (state.nameError) {
            NameError.Blank -> str("onboarding_name_blank")
            NameError.TooLong -> str("onboarding_name_too_long")
            null -> null
        }
    OutlinedTextField(
        value = state.name,
        onValueChange = { onEvent(OnboardingEvent.NameChanged(it)) },
        label = { Text(str("onboarding_name_label")) },
        singleLine = true,
        isError = error != null,
        supportingText = {
            Column(Modifier.fillMaxWidth()) {
                Text(error ?: str("onboarding_name_help"))
                Text(
                    str("onboarding_name_count", state.length, MAX_NAME_LENGTH),
                    modifier = Modifier.align(Alignment.End)
                )
            }
        },
        keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Words, imeAction = ImeAction.Done),
        keyboardActions = KeyboardActions(onDone = { onEvent(OnboardingEvent.Continue) }),
        modifier = Modifier.fillMaxWidth().testTag("onboarding-name")
    )
    Button(
        onClick = { onEvent(OnboardingEvent.Continue) },
        modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)
    ) {
        Text(str("onboarding_continue"))
    }
}

@Composable
private fun InviteOffer(offer: InvitePreview, onEvent: (OnboardingEvent) -> Unit) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer),
        modifier = Modifier.fillMaxWidth()
    ) {
        Column(Modifier.padding(20.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Text(
                str("onboarding_invite_kicker"),
                style = MaterialTheme.typography.labelLarge,
                color = MaterialTheme.colorScheme.onPrimaryContainer
            )
            Text(
                str("onboarding_invite_title", offer.channelName, offer.inviterName),
                style = MaterialTheme.typography.titleLarge,
                color = MaterialTheme.colorScheme.onPrimaryContainer,
                modifier = Modifier.semantics { heading() }
            )
            Text(
                roleBody(offer.role),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onPrimaryContainer
            )
            Button(onClick = { onEvent(OnboardingEvent.AcceptInvite) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                Text(str("onboarding_join"))
            }
            OutlinedButton(onClick = { onEvent(OnboardingEvent.DeclineInvite) }, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                Text(str("onboarding_not_now"))
            }
        }
    }
    Text(
        str("onboarding_invite_hint"),
        style = MaterialTheme.typography.bodySmall,
        color = MaterialTheme.colorScheme.onSurfaceVariant
    )
}

@Composable
private fun roleBody(role: Role): String = when (role) {
    Role.Viewer -> str("onboarding_invite_body_viewer")
    Role.Contributor -> str("onboarding_invite_body_contributor")
    Role.CoHost, Role.Owner -> str("onboarding_invite_body_cohost")
}

/** Three overlapping circles: photos from many phones rolling into one. */
@Composable
private fun Logo() {
    val primary = MaterialTheme.colorScheme.primary
    val secondary = MaterialTheme.colorScheme.secondary
    val container = MaterialTheme.colorScheme.primaryContainer
    val description = str("onboarding_logo")
    Canvas(Modifier.size(64.dp).semantics { contentDescription = description }) {
        val r = size.minDimension / 3.2f
        drawCircle(container, r * 1.6f, center)
        drawCircle(primary, r * 0.7f, Offset(center.x - r * 0.55f, center.y + r * 0.3f))
        drawCircle(secondary, r * 0.7f, Offset(center.x + r * 0.55f, center.y + r * 0.3f), alpha = 0.9f)
        drawCircle(primary.copy(alpha = 0.75f), r * 0.7f, Offset(center.x, center.y - r * 0.5f))
    }
}
